/*
 * fluent_fakes.h: fakes of the host for a C plugin's native unit tests
 * (./build.sh test). Built natively, not for WebAssembly, fluent_plugin.c
 * leaves the host functions of fluent_plugin.h to fluent_fakes.c, so a test
 * can run the plugin's handler end to end on this machine:
 *
 *     #include "fluent_fakes.h"
 *
 *     int main(void) {
 *         fluent_fake_config("api_key", "k-1");
 *         fluent_fake_http_respond(NULL, 200, "{\"answer\":\"hi\"}");
 *         char *response = fluent_test_execute("{\"payload\":\"hello\"}");
 *         FLUENT_EXPECT(strstr(response, "\"content\":\"hi\"") != NULL);
 *         FLUENT_EXPECT(fluent_fake_http_count() == 1);
 *         free(response);
 *         return fluent_test_failures() == 0 ? 0 : 1;
 *     }
 *
 * Without settings the fakes behave like an empty host: configuration and
 * environment values are unset (FLUENT_NOT_FOUND), the cache is empty, files
 * do not exist (FLUENT_NOT_FOUND) until written or set, log lines and metrics
 * are recorded, and an HTTP request without an answer fails (FLUENT_FAILED,
 * fluent_host_error() naming the call to make). They check no manifest: which
 * calls a plugin may make is the platform's business, tested by
 * fluent-plugin security-test. Not thread-safe: one test at a time.
 */
#ifndef FLUENT_FAKES_H
#define FLUENT_FAKES_H

#include "fluent_plugin.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The request JSON ({"payload": …, "flowname": …}) through the handler, as the host would send it: the
 * response JSON, or the error the host would see ({"error":{"code":…,"message":…}}); free() it. */
char *fluent_test_execute(const char *request_json);

/* Forgets every setting and everything recorded. */
void fluent_fake_reset(void);

/* What the host would answer. value NULL unsets. */
void fluent_fake_config(const char *key, const char *value);
void fluent_fake_env(const char *name, const char *value);
void fluent_fake_file(const char *path, const void *data, size_t len);

/* HTTP requests whose URL starts with url_prefix (NULL: any URL) get this answer, until reset; the most
 * recent matching setting wins. headers: name, value, …, NULL (or NULL for none). */
void fluent_fake_http_respond(const char *url_prefix, int status, const char *body);
void fluent_fake_http_respond_with_headers(const char *url_prefix, int status, const char *const *headers,
                                           const char *body);
/* …or fail as an unreachable host does (FLUENT_FAILED, message in fluent_host_error()). */
void fluent_fake_http_fail(const char *url_prefix, const char *message);

/* What the plugin did, in order. Strings stay valid until the next reset. */
size_t fluent_fake_http_count(void);
const char *fluent_fake_http_method(size_t i);
const char *fluent_fake_http_url(size_t i);
const char *fluent_fake_http_body(size_t i, size_t *len);
/* The value of the i-th request's header name (as the plugin spelled it), or NULL. */
const char *fluent_fake_http_header(size_t i, const char *name);

size_t fluent_fake_log_count(void);
const char *fluent_fake_log_line(size_t i, int *level);

size_t fluent_fake_metric_count(void);
/* kind: 0 counter, 1 gauge, 2 timer (ms). */
const char *fluent_fake_metric(size_t i, int *kind, int64_t *value);

/* A file's contents as the plugin left it (written, appended or set), or NULL. */
const char *fluent_fake_file_contents(const char *path, size_t *len);
/* A cache entry the plugin put (or NULL), and its ttl. */
const char *fluent_fake_cache_value(const char *key, size_t *len, uint32_t *ttl_seconds);

/* A failed expectation is printed with its line and counted; the test goes on. */
#define FLUENT_EXPECT(condition) \
    fluent_test_check((condition), #condition, __FILE__, __LINE__)
int fluent_test_check(int ok, const char *what, const char *file, int line);
int fluent_test_failures(void);

#ifdef __cplusplus
}
#endif

#endif /* FLUENT_FAKES_H */

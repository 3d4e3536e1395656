/*
 * fluent_plugin.h: the C plugin development kit for Fluent plugins, ABI
 * version 1 (docs/abi.md). Needs only wasi-libc.
 *
 * A plugin is one function from a request to a response:
 *
 *     #include "fluent_plugin.h"
 *
 *     static int handle(const fluent_request *request, fluent_response *response) {
 *         if (request->payload_len == 0)
 *             return fluent_fail(response, "EMPTY_PAYLOAD", "send some text");
 *         response->content = request->payload;
 *         response->content_len = request->payload_len;
 *         response->model = "echo";
 *         return 0;
 *     }
 *
 *     FLUENT_PLUGIN(handle)
 *
 * fluent_plugin.c exports fluent_abi_version, fluent_alloc and
 * execute_request around that function. Build both files as a WASI reactor:
 *
 *     clang --target=wasm32-wasi -mexec-model=reactor -Os -Wl,--strip-all \
 *         plugin.c fluent_plugin.c -o plugin.wasm
 */
#ifndef FLUENT_PLUGIN_H
#define FLUENT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this kit implements. */
#define FLUENT_ABI_VERSION 1

/* Largest request the host sends and largest response JSON it accepts, in bytes. */
#define FLUENT_MAX_REQUEST_BYTES (16u * 1024u * 1024u)
#define FLUENT_MAX_RESPONSE_BYTES (16u * 1024u * 1024u)

/* Error codes the kit itself answers with (the handler is not called, or its answer is replaced). */
#define FLUENT_BAD_REQUEST "BAD_REQUEST"
#define FLUENT_RESPONSE_TOO_LARGE "RESPONSE_TOO_LARGE"

/* One execution's input, decoded. Strings are UTF-8 and NUL-terminated; the
 * payload may itself hold NUL characters, so payload_len is its length. They
 * stay valid until the handler returns. */
typedef struct fluent_request {
    const char *payload;
    size_t payload_len;
    const char *flowname;   /* NULL when the caller named no flow */
    const char *request_id; /* NULL when absent */
} fluent_request;

/* What the handler answers. The kit zeroes it before the call; the handler sets
 * what it needs. Strings must stay valid until the handler returns (static
 * text, the request's strings, or memory the plugin allocated). */
typedef struct fluent_response {
    const char *content; /* NULL is the empty content */
    size_t content_len;  /* 0 with a non-NULL content: strlen(content) */
    const char *model;         /* NULL: left out */
    const char *finish_reason; /* NULL: left out */
    uint64_t prompt_tokens;    /* total_tokens is their sum */
    uint64_t completion_tokens;
    double prompt_cost; /* total_cost is their sum; a non-finite cost is written as 0 */
    double completion_cost;
    /* Set by fluent_fail: the handler's error, reported by the host as PLUGIN_ERROR. */
    const char *error_code;    /* UPPER_SNAKE_CASE, [A-Z][A-Z0-9_]{0,63} */
    const char *error_message;
} fluent_response;

/* A handler returns 0 for a response, anything else for an error (the
 * error_code and error_message it set; PLUGIN_FAILED if it set none). */
typedef int (*fluent_handler)(const fluent_request *request, fluent_response *response);

/* Sets the error and returns 1, for `return fluent_fail(response, "CODE", "what to fix");`. */
int fluent_fail(fluent_response *response, const char *code, const char *message);

/* Names the plugin's handler; use it once, in one source file. */
#define FLUENT_PLUGIN(handler) \
    int fluent_plugin_handle(const fluent_request *request, fluent_response *response) { \
        return handler(request, response); \
    }

/* Defined by FLUENT_PLUGIN; called by execute_request. */
int fluent_plugin_handle(const fluent_request *request, fluent_response *response);

/* ------------------------------------------------------------------ host functions
 *
 * Each calls one function of the host's "fluent" module (docs/abi.md, section
 * 7). Declare the matching capability in manifest.json: the host refuses a
 * module that imports a function of an undeclared one, and only the
 * functions a plugin calls become imports. A call outside the plugin's grant
 * (a host not allowed, a path outside its folders, a limit passed) does not
 * return: the host ends the execution. */

typedef enum fluent_status {
    FLUENT_OK = 0,
    FLUENT_NOT_FOUND = -1,   /* a cache miss, an unset key or variable, a missing file */
    FLUENT_FAILED = -2,      /* failed for a reason the plugin may handle: fluent_host_error() says which */
    FLUENT_UNAVAILABLE = -3  /* the host answered something this kit does not know, or memory ran out */
} fluent_status;

/* Data the host handed over: len bytes, followed by a NUL the kit adds. The
 * plugin owns it: release it with fluent_buffer_free (or free(data)). */
typedef struct fluent_buffer {
    char *data;
    size_t len;
} fluent_buffer;

void fluent_buffer_free(fluent_buffer *buffer);

/* The message of the last call that returned FLUENT_FAILED ("" if none). */
const char *fluent_host_error(void);

/* LoggingAccess: one line in the plugin's log. Levels 0 trace .. 4 error. */
enum { FLUENT_TRACE = 0, FLUENT_DEBUG = 1, FLUENT_INFO = 2, FLUENT_WARN = 3, FLUENT_ERROR = 4 };
void fluent_log(int level, const char *message);

/* NetworkAccess. headers: name, value, name, value …, then NULL (or NULL for none). */
typedef struct fluent_http_request {
    const char *method; /* NULL: GET */
    const char *url;
    const char *const *headers;
    const void *body;
    size_t body_len;
} fluent_http_request;

typedef struct fluent_http_response {
    int status;
    fluent_buffer head; /* the response head JSON: status, url, headers (names in lower case) */
    fluent_buffer body;
} fluent_http_response;

/* Any status, 4xx and 5xx included, is FLUENT_OK; FLUENT_FAILED is no response at all. */
fluent_status fluent_http_request_send(const fluent_http_request *request, fluent_http_response *response);
/* A response header's value (name in lower case), copied into value; FLUENT_NOT_FOUND if absent. */
fluent_status fluent_http_header(const fluent_http_response *response, const char *name, fluent_buffer *value);
void fluent_http_response_free(fluent_http_response *response);

/* FileSystemRead / FileSystemWrite; relative paths are under the plugin's data folder. */
fluent_status fluent_fs_read(const char *path, fluent_buffer *contents);
fluent_status fluent_fs_write(const char *path, const void *data, size_t len);
fluent_status fluent_fs_append(const char *path, const void *data, size_t len);

/* EnvironmentAccess, ConfigurationAccess: the value, or FLUENT_NOT_FOUND. */
fluent_status fluent_env_get(const char *name, fluent_buffer *value);
fluent_status fluent_config_get(const char *key, fluent_buffer *value);

/* CacheAccess; ttl_seconds 0 is the operator's default. */
fluent_status fluent_cache_get(const char *key, fluent_buffer *value);
fluent_status fluent_cache_put(const char *key, const void *value, size_t len, uint32_t ttl_seconds);

/* MetricsAccess; names are 1-64 of a-z 0-9 _ . - */
fluent_status fluent_counter(const char *name, int64_t delta);
fluent_status fluent_gauge(const char *name, int64_t value);
fluent_status fluent_timer_ms(const char *name, int64_t millis);

#ifdef __cplusplus
}
#endif

#endif /* FLUENT_PLUGIN_H */

/*
 * fluent_fakes.c: the host functions of fluent_plugin.h for native builds,
 * answered from what a test set with fluent_fakes.h and recorded for it to
 * read back. Never part of plugin.wasm: in a WebAssembly build this file is
 * empty, and the real host answers.
 */
#ifndef __wasm__

#include "fluent_fakes.h"

#include <stdlib.h>
#include <string.h>

/* One named value: a setting, a file, a cache entry, a log line, a metric or a recorded request. */
typedef struct {
    char *name;
    char *data;
    size_t len;
    int64_t number;   /* a log line's level, a metric's value, an answer's status (-1: fail), a ttl */
    int kind;         /* a metric's kind */
    char *extra;      /* HTTP: the URL; an answer's headers as "name\0value\0…\0" */
    size_t extra_len;
} entry;

typedef struct {
    entry *items;
    size_t count;
    size_t capacity;
} list;

static list config, env, files, cache, logs, metrics, answers, requests;
static char *host_error;
static int failures;

static void *need(void *p) {
    if (p == NULL) {
        fprintf(stderr, "fluent_fakes: out of memory\n");
        abort();
    }
    return p;
}

static char *copy(const void *data, size_t len) {
    char *c = need(malloc(len + 1));
    if (len > 0) memcpy(c, data, len);
    c[len] = 0;
    return c;
}

static char *copy_text(const char *text) { return text ? copy(text, strlen(text)) : NULL; }

/* Copies text with its NUL to at; returns the byte after that NUL. */
static char *append_z(char *at, const char *text) {
    size_t n = strlen(text) + 1;
    memcpy(at, text, n);
    return at + n;
}

static void clear(list *l) {
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].name);
        free(l->items[i].data);
        free(l->items[i].extra);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static entry *add(list *l) {
    if (l->count == l->capacity) {
        l->capacity = l->capacity ? 2 * l->capacity : 8;
        l->items = need(realloc(l->items, l->capacity * sizeof *l->items));
    }
    entry *e = &l->items[l->count++];
    memset(e, 0, sizeof *e);
    return e;
}

static entry *find(const list *l, const char *name) {
    for (size_t i = 0; i < l->count; i++) {
        if (strcmp(l->items[i].name, name) == 0) return &l->items[i];
    }
    return NULL;
}

/* Sets name to data (a copy), or removes it when data is NULL. */
static void put_value(list *l, const char *name, const void *data, size_t len) {
    entry *e = find(l, name);
    if (data == NULL) {
        if (e) {
            free(e->name);
            free(e->data);
            free(e->extra);
            *e = l->items[--l->count];
        }
        return;
    }
    if (e == NULL) {
        e = add(l);
        e->name = copy_text(name);
    } else {
        free(e->data);
    }
    e->data = copy(data, len);
    e->len = len;
}

static fluent_status hand_over(const entry *e, fluent_buffer *out) {
    out->data = NULL;
    out->len = 0;
    if (e == NULL) return FLUENT_NOT_FOUND;
    out->data = copy(e->data, e->len);
    out->len = e->len;
    return FLUENT_OK;
}

static fluent_status fail(const char *message) {
    free(host_error);
    host_error = copy_text(message);
    return FLUENT_FAILED;
}

/* ------------------------------------------------------------------ what a test sets */

void fluent_fake_reset(void) {
    clear(&config);
    clear(&env);
    clear(&files);
    clear(&cache);
    clear(&logs);
    clear(&metrics);
    clear(&answers);
    clear(&requests);
    free(host_error);
    host_error = NULL;
}

void fluent_fake_config(const char *key, const char *value) {
    put_value(&config, key, value, value ? strlen(value) : 0);
}

void fluent_fake_env(const char *name, const char *value) { put_value(&env, name, value, value ? strlen(value) : 0); }

void fluent_fake_file(const char *path, const void *data, size_t len) {
    put_value(&files, path, data ? data : "", data ? len : 0);
}

void fluent_fake_http_respond_with_headers(const char *url_prefix, int status, const char *const *headers,
                                           const char *body) {
    entry *e = add(&answers);
    e->name = copy_text(url_prefix ? url_prefix : "");
    e->data = copy_text(body ? body : "");
    e->len = strlen(e->data);
    e->number = status;
    size_t n = 0;
    for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2) n += strlen(headers[i]) + strlen(headers[i + 1]) + 2;
    e->extra = need(calloc(n + 1, 1));
    e->extra_len = n;
    char *at = e->extra;
    for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2) {
        for (const char *c = headers[i]; *c; c++) *at++ = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        *at++ = 0;
        at = append_z(at, headers[i + 1]);
    }
}

void fluent_fake_http_respond(const char *url_prefix, int status, const char *body) {
    fluent_fake_http_respond_with_headers(url_prefix, status, NULL, body);
}

void fluent_fake_http_fail(const char *url_prefix, const char *message) {
    entry *e = add(&answers);
    e->name = copy_text(url_prefix ? url_prefix : "");
    e->data = copy_text(message ? message : "connection refused");
    e->len = strlen(e->data);
    e->number = -1; /* no response at all */
}

/* ------------------------------------------------------------------ what a test reads back */

size_t fluent_fake_http_count(void) { return requests.count; }

const char *fluent_fake_http_method(size_t i) { return i < requests.count ? requests.items[i].name : NULL; }

const char *fluent_fake_http_url(size_t i) { return i < requests.count ? requests.items[i].extra : NULL; }

const char *fluent_fake_http_body(size_t i, size_t *len) {
    if (i >= requests.count) return NULL;
    if (len) *len = requests.items[i].len;
    return requests.items[i].data;
}

const char *fluent_fake_http_header(size_t i, const char *name) {
    if (i >= requests.count) return NULL;
    /* After the URL's NUL: "name\0value\0…", as the plugin sent them. */
    const entry *e = &requests.items[i];
    const char *at = e->extra + strlen(e->extra) + 1;
    while (at < e->extra + e->extra_len) {
        const char *value = at + strlen(at) + 1;
        if (strcmp(at, name) == 0) return value;
        at = value + strlen(value) + 1;
    }
    return NULL;
}

size_t fluent_fake_log_count(void) { return logs.count; }

const char *fluent_fake_log_line(size_t i, int *level) {
    if (i >= logs.count) return NULL;
    if (level) *level = (int)logs.items[i].number;
    return logs.items[i].data;
}

size_t fluent_fake_metric_count(void) { return metrics.count; }

const char *fluent_fake_metric(size_t i, int *kind, int64_t *value) {
    if (i >= metrics.count) return NULL;
    if (kind) *kind = metrics.items[i].kind;
    if (value) *value = metrics.items[i].number;
    return metrics.items[i].name;
}

const char *fluent_fake_file_contents(const char *path, size_t *len) {
    const entry *e = find(&files, path);
    if (e && len) *len = e->len;
    return e ? e->data : NULL;
}

const char *fluent_fake_cache_value(const char *key, size_t *len, uint32_t *ttl_seconds) {
    const entry *e = find(&cache, key);
    if (e && len) *len = e->len;
    if (e && ttl_seconds) *ttl_seconds = (uint32_t)e->number;
    return e ? e->data : NULL;
}

int fluent_test_check(int ok, const char *what, const char *file, int line) {
    if (!ok) {
        failures++;
        fprintf(stderr, "%s:%d: expected %s\n", file, line, what);
    }
    return ok;
}

int fluent_test_failures(void) { return failures; }

/* ------------------------------------------------------------------ the host functions of fluent_plugin.h */

const char *fluent_host_error(void) { return host_error ? host_error : ""; }

void fluent_log(int level, const char *message) {
    entry *e = add(&logs);
    e->name = copy_text("log");
    e->data = copy_text(message);
    e->len = strlen(message);
    e->number = level;
}

/* Appends text to out (at n, of size) as the inside of a JSON string; returns the new n. */
static size_t json_text(char *out, size_t size, size_t n, const char *text) {
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        n += (size_t)(*c == '"' || *c == '\\' ? snprintf(out + n, size - n, "\\%c", *c)
                      : *c < 0x20           ? snprintf(out + n, size - n, "\\u%04x", *c)
                                            : snprintf(out + n, size - n, "%c", *c));
    }
    return n;
}

/* The head JSON fluent_http_header reads: {"status":…,"url":…,"headers":{…}}. */
static char *response_head(int status, const char *url, const char *headers, size_t headers_len) {
    size_t size = 64 + 6 * (strlen(url) + headers_len);
    char *head = need(malloc(size));
    size_t n = (size_t)snprintf(head, size, "{\"status\":%d,\"url\":\"", status);
    n = json_text(head, size, n, url);
    n += (size_t)snprintf(head + n, size - n, "\",\"headers\":{");
    for (const char *at = headers; at < headers + headers_len;) {
        const char *value = at + strlen(at) + 1;
        n += (size_t)snprintf(head + n, size - n, "%s\"", at == headers ? "" : ",");
        n = json_text(head, size, n, at);
        n += (size_t)snprintf(head + n, size - n, "\":\"");
        n = json_text(head, size, n, value);
        n += (size_t)snprintf(head + n, size - n, "\"");
        at = value + strlen(value) + 1;
    }
    snprintf(head + n, size - n, "}}");
    return head;
}

fluent_status fluent_http_request_send(const fluent_http_request *request, fluent_http_response *response) {
    memset(response, 0, sizeof *response);
    const char *method = request->method ? request->method : "GET";
    const char *url = request->url ? request->url : "";
    /* Recorded: the method, the body, and the URL followed by the headers as "name\0value\0…". */
    entry *sent = add(&requests);
    sent->name = copy_text(method);
    sent->data = copy(request->body ? request->body : "", request->body ? request->body_len : 0);
    sent->len = request->body ? request->body_len : 0;
    size_t n = strlen(url) + 1;
    for (size_t i = 0; request->headers && request->headers[i] && request->headers[i + 1]; i += 2) {
        n += strlen(request->headers[i]) + strlen(request->headers[i + 1]) + 2;
    }
    sent->extra = need(calloc(n + 1, 1));
    sent->extra_len = n;
    char *at = append_z(sent->extra, url);
    for (size_t i = 0; request->headers && request->headers[i] && request->headers[i + 1]; i += 2) {
        at = append_z(at, request->headers[i]);
        at = append_z(at, request->headers[i + 1]);
    }

    const entry *answer = NULL;
    for (size_t i = answers.count; i-- > 0;) {
        const entry *a = &answers.items[i];
        if (strncmp(url, a->name, strlen(a->name)) == 0) {
            answer = a;
            break;
        }
    }
    if (answer == NULL) {
        char message[512];
        snprintf(message, sizeof message, "no fake answer for %s %s: call fluent_fake_http_respond first", method,
                 url);
        return fail(message);
    }
    if (answer->number < 0) return fail(answer->data);
    response->status = (int)answer->number;
    response->head.data = response_head(response->status, url, answer->extra, answer->extra_len);
    response->head.len = strlen(response->head.data);
    response->body.data = copy(answer->data, answer->len);
    response->body.len = answer->len;
    return FLUENT_OK;
}

fluent_status fluent_fs_read(const char *path, fluent_buffer *contents) { return hand_over(find(&files, path), contents); }

fluent_status fluent_fs_write(const char *path, const void *data, size_t len) {
    put_value(&files, path, data ? data : "", data ? len : 0);
    return FLUENT_OK;
}

fluent_status fluent_fs_append(const char *path, const void *data, size_t len) {
    const entry *e = find(&files, path);
    size_t before = e ? e->len : 0;
    char *joined = need(malloc(before + len + 1));
    if (before > 0) memcpy(joined, e->data, before);
    if (len > 0) memcpy(joined + before, data, len);
    put_value(&files, path, joined, before + len);
    free(joined);
    return FLUENT_OK;
}

fluent_status fluent_env_get(const char *name, fluent_buffer *value) { return hand_over(find(&env, name), value); }

fluent_status fluent_config_get(const char *key, fluent_buffer *value) { return hand_over(find(&config, key), value); }

fluent_status fluent_cache_get(const char *key, fluent_buffer *value) { return hand_over(find(&cache, key), value); }

fluent_status fluent_cache_put(const char *key, const void *value, size_t len, uint32_t ttl_seconds) {
    put_value(&cache, key, value ? value : "", value ? len : 0);
    find(&cache, key)->number = ttl_seconds;
    return FLUENT_OK;
}

static fluent_status metric(int kind, const char *name, int64_t value) {
    entry *e = add(&metrics);
    e->name = copy_text(name);
    e->data = copy_text("");
    e->number = value;
    e->kind = kind;
    return FLUENT_OK;
}

fluent_status fluent_counter(const char *name, int64_t delta) { return metric(0, name, delta); }

fluent_status fluent_gauge(const char *name, int64_t value) { return metric(1, name, value); }

fluent_status fluent_timer_ms(const char *name, int64_t millis) { return metric(2, name, millis); }

#endif /* __wasm__ */

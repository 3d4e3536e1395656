/*
 * fluent_plugin.c: the guest side of ABI version 1 for C plugins
 * (docs/abi.md): the exports, request decoding, response frames and the
 * host functions of fluent_plugin.h. Needs only wasi-libc.
 *
 * Every execution starts from a fresh instance (the host restores memory),
 * so nothing here outlives a request; memory is still freed as it goes,
 * since one request may run long or call the host many times.
 */
#include "fluent_plugin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON nesting the request decoder accepts, as the Rust kit does. */
#define MAX_DEPTH 128

/* ------------------------------------------------------------------ memory */

static void *need(void *p) {
    if (p == NULL) {
        abort(); /* a trap after a refused memory.grow: the host reports MEMORY_LIMIT */
    }
    return p;
}

/* ------------------------------------------------------------------ JSON in */

typedef struct {
    const char *s;
    size_t n, i;
    int depth;
} reader;

static int utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t extra;
        uint32_t cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { extra = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { extra = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { extra = 3; cp = c & 0x07; }
        else return 0;
        if (n - i <= extra) return 0;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += extra + 1;
    }
    return 1;
}

static void skip_ws(reader *r) {
    while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' || r->s[r->i] == '\r'))
        r->i++;
}

static int hex4(reader *r, uint32_t *out) {
    if (r->n - r->i < 4) return 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = r->s[r->i++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* A string at r (after its opening quote was seen); decoded into a new NUL-terminated buffer when out is set. */
static int read_string(reader *r, char **out, size_t *out_len) {
    if (r->i >= r->n || r->s[r->i] != '"') return 0;
    r->i++;
    /* The decoded text is never longer than the encoded one. */
    size_t start = r->i, len = 0;
    char *buf = NULL;
    if (out != NULL) {
        size_t end = start;
        while (end < r->n && r->s[end] != '"') end += r->s[end] == '\\' ? 2 : 1;
        buf = need(malloc((end > r->n ? r->n : end) - start + 1));
    }
    while (r->i < r->n) {
        unsigned char c = (unsigned char)r->s[r->i++];
        if (c == '"') {
            if (out != NULL) { buf[len] = 0; *out = buf; *out_len = len; }
            return 1;
        }
        if (c < 0x20) break;
        if (c != '\\') { if (buf) buf[len] = (char)c; len++; continue; }
        if (r->i >= r->n) break;
        char e = r->s[r->i++];
        uint32_t cp;
        switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u': {
            if (!hex4(r, &cp)) goto bad;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t low;
                if (r->n - r->i < 6 || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u') goto bad;
                r->i += 2;
                if (!hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto bad;
            }
            break;
        }
        default: goto bad;
        }
        /* UTF-8 of cp: at most as long as its escape. */
        char tmp[4];
        size_t k = 0;
        if (cp < 0x80) tmp[k++] = (char)cp;
        else if (cp < 0x800) { tmp[k++] = (char)(0xC0 | cp >> 6); tmp[k++] = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { tmp[k++] = (char)(0xE0 | cp >> 12); tmp[k++] = (char)(0x80 | (cp >> 6 & 0x3F)); tmp[k++] = (char)(0x80 | (cp & 0x3F)); }
        else { tmp[k++] = (char)(0xF0 | cp >> 18); tmp[k++] = (char)(0x80 | (cp >> 12 & 0x3F)); tmp[k++] = (char)(0x80 | (cp >> 6 & 0x3F)); tmp[k++] = (char)(0x80 | (cp & 0x3F)); }
        if (buf) memcpy(buf + len, tmp, k);
        len += k;
    }
bad:
    free(buf);
    return 0;
}

static int literal(reader *r, const char *word) {
    size_t k = strlen(word);
    if (r->n - r->i < k || memcmp(r->s + r->i, word, k) != 0) return 0;
    r->i += k;
    return 1;
}

static int digits(reader *r) {
    size_t start = r->i;
    while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9') r->i++;
    return r->i > start;
}

static int read_number(reader *r) {
    if (r->i < r->n && r->s[r->i] == '-') r->i++;
    if (r->i < r->n && r->s[r->i] == '0') r->i++;
    else if (!digits(r)) return 0;
    if (r->i < r->n && r->s[r->i] == '.') { r->i++; if (!digits(r)) return 0; }
    if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
        r->i++;
        if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-')) r->i++;
        if (!digits(r)) return 0;
    }
    return 1;
}

static int skip_value(reader *r);

/* Reads an object; calls member(name, r, ctx) at each value, which must consume it. */
static int read_object(reader *r, int (*member)(const char *, reader *, void *), void *ctx) {
    if (r->i >= r->n || r->s[r->i] != '{' || ++r->depth > MAX_DEPTH) return 0;
    r->i++;
    skip_ws(r);
    if (r->i < r->n && r->s[r->i] == '}') { r->i++; r->depth--; return 1; }
    for (;;) {
        char *name;
        size_t name_len;
        skip_ws(r);
        if (!read_string(r, &name, &name_len)) return 0;
        skip_ws(r);
        int ok = r->i < r->n && r->s[r->i++] == ':';
        if (ok) { skip_ws(r); ok = member(name, r, ctx); }
        free(name);
        if (!ok) return 0;
        skip_ws(r);
        if (r->i >= r->n) return 0;
        char c = r->s[r->i++];
        if (c == '}') { r->depth--; return 1; }
        if (c != ',') return 0;
    }
}

static int skip_member(const char *name, reader *r, void *ctx) {
    (void)name; (void)ctx;
    return skip_value(r);
}

static int skip_value(reader *r) {
    skip_ws(r);
    if (r->i >= r->n) return 0;
    char c = r->s[r->i];
    if (c == '"') return read_string(r, NULL, NULL);
    if (c == '{') return read_object(r, skip_member, NULL);
    if (c == '[') {
        if (++r->depth > MAX_DEPTH) return 0;
        r->i++;
        skip_ws(r);
        if (r->i < r->n && r->s[r->i] == ']') { r->i++; r->depth--; return 1; }
        for (;;) {
            if (!skip_value(r)) return 0;
            skip_ws(r);
            if (r->i >= r->n) return 0;
            char d = r->s[r->i++];
            if (d == ']') { r->depth--; return 1; }
            if (d != ',') return 0;
        }
    }
    if (c == 't') return literal(r, "true");
    if (c == 'f') return literal(r, "false");
    if (c == 'n') return literal(r, "null");
    return read_number(r);
}

typedef struct {
    char *payload, *flowname, *request_id;
    size_t payload_len;
    int seen_payload, seen_flowname, seen_request_id;
    const char *error;
} request_fields;

/* A string or null member; a repeated name is refused, as the Rust kit refuses any repeated name. */
static int optional_string(reader *r, int *seen, char **out, request_fields *f, const char *error) {
    size_t len;
    if (*seen) { f->error = "the request names a member twice"; return 0; }
    *seen = 1;
    if (r->i < r->n && r->s[r->i] == 'n') return literal(r, "null");
    if (!read_string(r, out, &len)) { f->error = error; return 0; }
    return 1;
}

static int request_member(const char *name, reader *r, void *ctx) {
    request_fields *f = ctx;
    if (strcmp(name, "payload") == 0) {
        if (f->seen_payload) { f->error = "the request names a member twice"; return 0; }
        f->seen_payload = 1;
        if (!read_string(r, &f->payload, &f->payload_len)) {
            f->error = "request field 'payload' must be a string";
            return 0;
        }
        return 1;
    }
    if (strcmp(name, "flowname") == 0)
        return optional_string(r, &f->seen_flowname, &f->flowname, f, "request field 'flowname' must be a string or null");
    if (strcmp(name, "request_id") == 0)
        return optional_string(r, &f->seen_request_id, &f->request_id, f,
                               "request field 'request_id' must be a string or null");
    return skip_value(r);
}

/* ------------------------------------------------------------------ JSON out */

typedef struct {
    char *data;
    size_t len, cap;
} writer;

static void put(writer *w, const char *s, size_t n) {
    if (w->cap - w->len < n) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap - w->len < n) cap *= 2;
        w->data = need(realloc(w->data, cap));
        w->cap = cap;
    }
    memcpy(w->data + w->len, s, n);
    w->len += n;
}

static void put_text(writer *w, const char *s) { put(w, s, strlen(s)); }

static void put_string(writer *w, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        put(w, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        if (c == '"' || c == '\\') { esc[1] = (char)c; put(w, esc, 2); }
        else if (c == '\n') put(w, "\\n", 2);
        else if (c == '\r') put(w, "\\r", 2);
        else if (c == '\t') put(w, "\\t", 2);
        else put(w, esc, 6);
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}

static void put_u64(writer *w, uint64_t v) {
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    put(w, buf, (size_t)n);
}

/* The shortest text that reads back as the same double, with a ".0" on whole numbers. */
static void put_f64(writer *w, double v) {
    char buf[40];
    if (!isfinite(v)) v = 0;
    int n = 0;
    for (int precision = 1; precision <= 17; precision++) {
        n = snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (strtod(buf, NULL) == v) break;
    }
    put(w, buf, (size_t)n);
    if (strpbrk(buf, ".eEn") == NULL) put(w, ".0", 2);
}

static void write_error(writer *w, const char *code, const char *message) {
    put_text(w, "{\"error\":{\"code\":");
    put_string(w, code, strlen(code));
    put_text(w, ",\"message\":");
    put_string(w, message, strlen(message));
    put_text(w, "}}");
}

static void write_response(writer *w, const fluent_response *r) {
    const char *content = r->content ? r->content : "";
    size_t content_len = r->content_len || !r->content ? r->content_len : strlen(r->content);
    uint64_t total = r->prompt_tokens + r->completion_tokens;
    if (total < r->prompt_tokens) total = UINT64_MAX;
    put_text(w, "{\"content\":");
    put_string(w, content, content_len);
    put_text(w, ",\"usage\":{\"prompt_tokens\":");
    put_u64(w, r->prompt_tokens);
    put_text(w, ",\"completion_tokens\":");
    put_u64(w, r->completion_tokens);
    put_text(w, ",\"total_tokens\":");
    put_u64(w, total);
    put_text(w, "}");
    if (r->model) { put_text(w, ",\"model\":"); put_string(w, r->model, strlen(r->model)); }
    if (r->finish_reason) { put_text(w, ",\"finish_reason\":"); put_string(w, r->finish_reason, strlen(r->finish_reason)); }
    put_text(w, ",\"cost\":{\"prompt_cost\":");
    put_f64(w, r->prompt_cost);
    put_text(w, ",\"completion_cost\":");
    put_f64(w, r->completion_cost);
    put_text(w, ",\"total_cost\":");
    put_f64(w, r->prompt_cost + r->completion_cost);
    put_text(w, "}}");
}

/* ------------------------------------------------------------------ one execution */

int fluent_fail(fluent_response *response, const char *code, const char *message) {
    response->error_code = code;
    response->error_message = message;
    return 1;
}

static void finish(writer *w) {
    size_t len = w->len - 4;
    if (len > FLUENT_MAX_RESPONSE_BYTES) {
        char message[96];
        snprintf(message, sizeof message, "the response is %zu bytes; the limit is %u", len, FLUENT_MAX_RESPONSE_BYTES);
        w->len = 4;
        write_error(w, FLUENT_RESPONSE_TOO_LARGE, message);
        len = w->len - 4;
    }
    for (int k = 0; k < 4; k++) w->data[k] = (char)(len >> (8 * k));
}

static void answer(writer *w, char *request, size_t len) {
    if (len > FLUENT_MAX_REQUEST_BYTES) {
        write_error(w, FLUENT_BAD_REQUEST, "the request is larger than 16 MiB");
        return;
    }
    if (!utf8_valid((const unsigned char *)request, len)) {
        write_error(w, FLUENT_BAD_REQUEST, "the request is not valid UTF-8");
        return;
    }
    request_fields f = {0};
    reader r = {request, len, 0, 0};
    skip_ws(&r);
    int object = r.i < r.n && r.s[r.i] == '{';
    int ok = object && read_object(&r, request_member, &f);
    if (!object) ok = skip_value(&r); /* valid JSON of another kind, or not JSON at all */
    skip_ws(&r);
    ok = ok && r.i == r.n;
    if (!object || !ok || !f.seen_payload) {
        const char *why = f.error       ? f.error
                          : !ok         ? "request is not valid JSON"
                          : !object     ? "request must be a JSON object"
                                        : "request field 'payload' is missing";
        write_error(w, FLUENT_BAD_REQUEST, why);
    } else {
        fluent_request req = {f.payload, f.payload_len, f.flowname, f.request_id};
        fluent_response res;
        memset(&res, 0, sizeof res);
        if (fluent_plugin_handle(&req, &res) == 0) {
            write_response(w, &res);
        } else {
            write_error(w, res.error_code ? res.error_code : "PLUGIN_FAILED",
                        res.error_message ? res.error_message : "the plugin failed without a message");
        }
    }
    free(f.payload);
    free(f.flowname);
    free(f.request_id);
}

/* ------------------------------------------------------------------ host functions */

void fluent_buffer_free(fluent_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->len = 0;
}

typedef struct {
    const char *name;
    int status;
    fluent_buffer *value;
    int found;
} head_lookup;

static int header_member(const char *name, reader *r, void *ctx) {
    head_lookup *h = ctx;
    if (strcmp(name, h->name) != 0 || h->found) return skip_value(r);
    h->found = 1;
    return read_string(r, &h->value->data, &h->value->len);
}

static int headers_member(const char *name, reader *r, void *ctx) {
    if (strcmp(name, "headers") != 0) return skip_value(r);
    return r->i < r->n && r->s[r->i] == '{' ? read_object(r, header_member, ctx) : skip_value(r);
}

fluent_status fluent_http_header(const fluent_http_response *response, const char *name, fluent_buffer *value) {
    head_lookup lookup = {name, 0, value, 0};
    reader r = {response->head.data, response->head.len, 0, 0};
    value->data = NULL;
    value->len = 0;
    if (!read_object(&r, headers_member, &lookup)) {
        fluent_buffer_free(value);
        return FLUENT_UNAVAILABLE;
    }
    return lookup.found && value->data ? FLUENT_OK : FLUENT_NOT_FOUND;
}

void fluent_http_response_free(fluent_http_response *response) {
    fluent_buffer_free(&response->head);
    fluent_buffer_free(&response->body);
}

/* ------------------------------------------------------------------ native builds: tests on the fakes */

#ifndef __wasm__
/* The request JSON through the plugin's handler, as execute_request does in WebAssembly: the response JSON
 * (or the error the host would see), malloc'd for the caller to free. The host functions are the fakes of
 * fluent_fakes.c. */
char *fluent_test_execute(const char *request_json) {
    writer w = {0};
    put(&w, "\0\0\0\0", 4);
    size_t len = strlen(request_json);
    char *request = need(malloc(len + 1));
    memcpy(request, request_json, len + 1);
    answer(&w, request, len);
    free(request);
    finish(&w);
    size_t n = w.len - 4;
    memmove(w.data, w.data + 4, n);
    w.data[n] = 0;
    return w.data;
}
#endif

/* ------------------------------------------------------------------ WebAssembly: the exports and the host */

#ifdef __wasm__
#define IMPORT(name) __attribute__((import_module("fluent"), import_name(#name)))

IMPORT(log) void fluent_import_log(int32_t level, int32_t ptr, int32_t len);
IMPORT(http_request) int64_t fluent_import_http_request(int32_t head_ptr, int32_t head_len, int32_t body_ptr,
                                                        int32_t body_len);
IMPORT(fs_read) int64_t fluent_import_fs_read(int32_t path_ptr, int32_t path_len);
IMPORT(fs_write) int64_t fluent_import_fs_write(int32_t path_ptr, int32_t path_len, int32_t data_ptr,
                                                int32_t data_len, int32_t flags);
IMPORT(env_get) int64_t fluent_import_env_get(int32_t name_ptr, int32_t name_len);
IMPORT(config_get) int64_t fluent_import_config_get(int32_t key_ptr, int32_t key_len);
IMPORT(cache_get) int64_t fluent_import_cache_get(int32_t key_ptr, int32_t key_len);
IMPORT(cache_put) int64_t fluent_import_cache_put(int32_t key_ptr, int32_t key_len, int32_t value_ptr,
                                                  int32_t value_len, int32_t ttl_seconds);
IMPORT(metric) int64_t fluent_import_metric(int32_t kind, int32_t name_ptr, int32_t name_len, int64_t value);
IMPORT(last_error) int64_t fluent_import_last_error(void);

/* size bytes plus one, zeroed, so that what the host writes reads as a NUL-terminated string. */
__attribute__((export_name("fluent_alloc"))) int32_t fluent_alloc(int32_t size) {
    if (size < 0) {
        return 0;
    }
    void *p = calloc((size_t)size + 1, 1);
    return (int32_t)(uintptr_t)p;
}

__attribute__((export_name("fluent_abi_version"))) int32_t fluent_abi_version(void) {
    return FLUENT_ABI_VERSION;
}

/* The last response frame: a 4-byte little-endian length, then the JSON; kept until the next request. */
static char *frame;

__attribute__((export_name("execute_request"))) int32_t execute_request(int32_t ptr, int32_t len) {
    free(frame);
    frame = NULL;
    char *request = (char *)(uintptr_t)(uint32_t)ptr;
    writer w = {0};
    put(&w, "\0\0\0\0", 4);
    answer(&w, request, (size_t)(uint32_t)len);
    free(request); /* from fluent_alloc: the guest's from now on */
    finish(&w);
    frame = w.data;
    return (int32_t)(uintptr_t)frame;
}

static char *host_error;

const char *fluent_host_error(void) { return host_error ? host_error : ""; }

static int32_t ptr_of(const void *p) { return (int32_t)(uintptr_t)p; }

/* Decodes a host function's i64 result into out (which may be NULL when no data is expected). */
static fluent_status take(int64_t result, fluent_buffer *out) {
    if (out) { out->data = NULL; out->len = 0; }
    if (result == 0) {
        if (out) out->data = need(calloc(1, 1));
        return FLUENT_OK;
    }
    if (result == FLUENT_NOT_FOUND) return FLUENT_NOT_FOUND;
    if (result == FLUENT_FAILED) {
        fluent_buffer message;
        free(host_error);
        host_error = NULL;
        if (take(fluent_import_last_error(), &message) == FLUENT_OK) host_error = message.data;
        return FLUENT_FAILED;
    }
    if (result < 0) return FLUENT_UNAVAILABLE;
    /* A buffer the host obtained from fluent_alloc(len), which left a zero byte after it. */
    char *data = (char *)(uintptr_t)(uint32_t)(result & 0xFFFFFFFF);
    size_t len = (size_t)((uint64_t)result >> 32);
    if (out) { out->data = data; out->len = len; } else free(data);
    return FLUENT_OK;
}

void fluent_log(int level, const char *message) {
    fluent_import_log(level, ptr_of(message), (int32_t)strlen(message));
}

static void head_json(writer *w, const fluent_http_request *request) {
    const char *method = request->method ? request->method : "GET";
    put_text(w, "{\"method\":");
    put_string(w, method, strlen(method));
    put_text(w, ",\"url\":");
    put_string(w, request->url, strlen(request->url));
    put_text(w, ",\"headers\":{");
    for (size_t i = 0; request->headers && request->headers[i] && request->headers[i + 1]; i += 2) {
        if (i > 0) put(w, ",", 1);
        put_string(w, request->headers[i], strlen(request->headers[i]));
        put(w, ":", 1);
        put_string(w, request->headers[i + 1], strlen(request->headers[i + 1]));
    }
    put_text(w, "}}");
}

static int status_member(const char *name, reader *r, void *ctx) {
    head_lookup *h = ctx;
    if (strcmp(name, "status") != 0) return skip_value(r);
    size_t start = r->i;
    if (!read_number(r)) return 0;
    h->status = atoi(r->s + start);
    h->found = 1;
    return 1;
}

fluent_status fluent_http_request_send(const fluent_http_request *request, fluent_http_response *response) {
    writer head = {0};
    head_json(&head, request);
    fluent_buffer raw;
    int64_t result = fluent_import_http_request(ptr_of(head.data), (int32_t)head.len, ptr_of(request->body),
                                                (int32_t)request->body_len);
    free(head.data);
    memset(response, 0, sizeof *response);
    fluent_status status = take(result, &raw);
    if (status != FLUENT_OK) return status;
    /* 4-byte little-endian head length, the head JSON, then the body. */
    uint32_t h = 0;
    for (int k = 0; raw.len >= 4 && k < 4; k++) h |= (uint32_t)(unsigned char)raw.data[k] << (8 * k);
    head_lookup lookup = {0};
    reader r = {raw.data + 4, h, 0, 0};
    if (raw.len < 4 || raw.len - 4 < h || !read_object(&r, status_member, &lookup) || !lookup.found) {
        fluent_buffer_free(&raw);
        return FLUENT_UNAVAILABLE;
    }
    response->status = lookup.status;
    response->head.data = need(malloc(h + 1));
    memcpy(response->head.data, raw.data + 4, h);
    response->head.data[h] = 0;
    response->head.len = h;
    response->body.len = raw.len - 4 - h;
    response->body.data = need(malloc(response->body.len + 1));
    memcpy(response->body.data, raw.data + 4 + h, response->body.len);
    response->body.data[response->body.len] = 0;
    fluent_buffer_free(&raw);
    return FLUENT_OK;
}

fluent_status fluent_fs_read(const char *path, fluent_buffer *contents) {
    return take(fluent_import_fs_read(ptr_of(path), (int32_t)strlen(path)), contents);
}

static fluent_status fs_write(const char *path, const void *data, size_t len, int32_t flags) {
    return take(fluent_import_fs_write(ptr_of(path), (int32_t)strlen(path), ptr_of(data), (int32_t)len, flags), NULL);
}

fluent_status fluent_fs_write(const char *path, const void *data, size_t len) { return fs_write(path, data, len, 0); }

fluent_status fluent_fs_append(const char *path, const void *data, size_t len) { return fs_write(path, data, len, 1); }

fluent_status fluent_env_get(const char *name, fluent_buffer *value) {
    return take(fluent_import_env_get(ptr_of(name), (int32_t)strlen(name)), value);
}

fluent_status fluent_config_get(const char *key, fluent_buffer *value) {
    return take(fluent_import_config_get(ptr_of(key), (int32_t)strlen(key)), value);
}

fluent_status fluent_cache_get(const char *key, fluent_buffer *value) {
    return take(fluent_import_cache_get(ptr_of(key), (int32_t)strlen(key)), value);
}

fluent_status fluent_cache_put(const char *key, const void *value, size_t len, uint32_t ttl_seconds) {
    return take(fluent_import_cache_put(ptr_of(key), (int32_t)strlen(key), ptr_of(value), (int32_t)len,
                                        (int32_t)ttl_seconds), NULL);
}

static fluent_status metric(int32_t kind, const char *name, int64_t value) {
    return take(fluent_import_metric(kind, ptr_of(name), (int32_t)strlen(name), value), NULL);
}

fluent_status fluent_counter(const char *name, int64_t delta) { return metric(0, name, delta); }

fluent_status fluent_gauge(const char *name, int64_t value) { return metric(1, name, value); }

fluent_status fluent_timer_ms(const char *name, int64_t millis) { return metric(2, name, millis); }
#endif /* __wasm__ */

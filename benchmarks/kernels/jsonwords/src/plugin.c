/*
 * jsonwords: a string and JSON kernel for the speed benchmarks (docs/benchmarks.md, "Compute kernels").
 * The payload N (decimal, at most 200000) is a record count: writes a JSON array of N records
 * {"id":..,"text":"..","score":..} whose texts are pseudo-random words (some escaped), parses it back
 * (strings with escapes, numbers), counts the words of every text in a string-keyed hash table, and
 * answers a JSON object with the record count, the score total and the ten most frequent words.
 * Byte-wise loads and stores, branches on characters, hashing of short strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fluent_plugin.h"

#define MAX_RECORDS 200000
#define TEXT_BYTES (MAX_RECORDS * 96)
#define TABLE (1u << 16)

static const char *const VOCABULARY[] = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "quote\\\"d", "tab\\tbed", "wasm", "chicory",
    "karaf", "plugin"};
#define WORDS (sizeof VOCABULARY / sizeof VOCABULARY[0])

static char json[TEXT_BYTES];
static char word_keys[TABLE][16];
static uint32_t word_counts[TABLE];
static char answer[1024];

static uint32_t hash(const char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t) s[i]) * 16777619u;
    return h;
}

static void count_word(const char *w, size_t len) {
    if (len == 0 || len > 15) return;
    uint32_t h = hash(w, len) & (TABLE - 1);
    while (word_keys[h][0] != 0 && (strncmp(word_keys[h], w, len) != 0 || word_keys[h][len] != 0)) {
        h = (h + 1) & (TABLE - 1);
    }
    if (word_keys[h][0] == 0) memcpy(word_keys[h], w, len);
    word_counts[h]++;
}

static size_t generate(long n) {
    size_t at = 0;
    uint32_t state = 12345;
    json[at++] = '[';
    for (long i = 0; i < n; i++) {
        at += (size_t) snprintf(json + at, 64, "%s{\"id\":%ld,\"text\":\"", i ? "," : "", i);
        int words = 3 + (int) (i % 5);
        for (int w = 0; w < words; w++) {
            state = state * 1103515245u + 12345u;
            const char *v = VOCABULARY[(state >> 16) % WORDS];
            if (w) json[at++] = ' ';
            size_t len = strlen(v);
            memcpy(json + at, v, len);
            at += len;
        }
        at += (size_t) snprintf(json + at, 64, "\",\"score\":%ld.%02ld}", i % 100, i % 97);
    }
    json[at++] = ']';
    json[at] = 0;
    return at;
}

/* Parses the array written above; returns the record count, adds the scores to *total. */
static long parse(const char *p, double *total) {
    long records = 0;
    char word[16];
    while (*p) {
        if (*p == '"') {
            p++;
            const char *key = p;
            while (*p != '"') p += (*p == '\\') ? 2 : 1;
            size_t key_len = (size_t) (p - key);
            p++;
            if (key_len == 4 && memcmp(key, "text", 4) == 0) {
                p += 2; /* :" */
                size_t len = 0;
                for (; *p != '"'; p++) {
                    char ch = *p;
                    if (ch == '\\') {
                        p++;
                        ch = *p == 't' ? '\t' : *p;
                    }
                    if (ch == ' ') {
                        count_word(word, len);
                        len = 0;
                    } else if (len < sizeof word) {
                        word[len++] = ch;
                    }
                }
                count_word(word, len);
                p++;
                records++;
            } else if (key_len == 5 && memcmp(key, "score", 5) == 0) {
                char *end;
                *total += strtod(p + 1, &end);
                p = end;
            }
        } else {
            p++;
        }
    }
    return records;
}

static int handle(const fluent_request *request, fluent_response *response) {
    long n = strtol(request->payload, NULL, 10);
    if (n < 1 || n > MAX_RECORDS) {
        return fluent_fail(response, "BAD_PAYLOAD", "send a record count between 1 and 200000");
    }
    /* Every execution starts from an empty table, on engines that keep memory between calls too. */
    memset(word_keys, 0, sizeof word_keys);
    memset(word_counts, 0, sizeof word_counts);
    generate(n);
    double total = 0;
    long records = parse(json, &total);
    size_t at = (size_t) snprintf(answer, sizeof answer, "{\"records\":%ld,\"score_total\":%.2f,\"top\":[",
                                  records, total);
    for (int rank = 0; rank < 10; rank++) {
        uint32_t best = 0, best_at = 0;
        for (uint32_t h = 0; h < TABLE; h++) {
            if (word_counts[h] > best) {
                best = word_counts[h];
                best_at = h;
            }
        }
        if (best == 0) break;
        at += (size_t) snprintf(answer + at, sizeof answer - at, "%s{\"word\":\"", rank ? "," : "");
        for (const char *w = word_keys[best_at]; *w && at < sizeof answer - 40; w++) {
            if (*w == '"' || *w == '\\') answer[at++] = '\\';
            if (*w == '\t') {
                answer[at++] = '\\';
                answer[at++] = 't';
            } else {
                answer[at++] = *w;
            }
        }
        at += (size_t) snprintf(answer + at, sizeof answer - at, "\",\"count\":%u}", best);
        word_counts[best_at] = 0;
    }
    snprintf(answer + at, sizeof answer - at, "]}");
    response->content = answer;
    response->model = "jsonwords";
    response->finish_reason = "stop";
    return 0;
}

FLUENT_PLUGIN(handle)

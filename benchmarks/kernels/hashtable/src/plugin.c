/*
 * hashtable: a compute kernel for the speed benchmarks (docs/benchmarks.md, "Compute kernels").
 * An open-addressing hash table of 2^21 slots over 24 MiB of linear memory: the payload N (decimal) is the
 * number of pseudo-random keys inserted (each counted), then looked up again with as many misses. Random
 * accesses over a large buffer: every probe is a load far from the last one.
 * Answers the number of distinct keys and a checksum of the counts, e.g. "distinct=... checksum=...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fluent_plugin.h"

#define SLOTS (1u << 21)
#define MASK (SLOTS - 1)

static uint64_t keys[SLOTS];
static uint32_t counts[SLOTS];
static char answer[96];

static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint32_t *slot(uint64_t key, int insert) {
    uint32_t h = (uint32_t) mix(key) & MASK;
    for (;;) {
        if (keys[h] == key) return &counts[h];
        if (keys[h] == 0) {
            if (!insert) return NULL;
            keys[h] = key;
            return &counts[h];
        }
        h = (h + 1) & MASK;
    }
}

static int handle(const fluent_request *request, fluent_response *response) {
    long n = strtol(request->payload, NULL, 10);
    if (n <= 0 || n > (long) (SLOTS / 2)) {
        return fluent_fail(response, "BAD_PAYLOAD", "send a key count between 1 and 1048576");
    }
    /* Every execution starts from an empty table, on engines that keep memory between calls too. */
    memset(keys, 0, sizeof keys);
    memset(counts, 0, sizeof counts);
    uint64_t distinct = 0;
    uint64_t state = 0x9E3779B97F4A7C15ULL;
    for (long i = 0; i < n; i++) {
        state += 0x9E3779B97F4A7C15ULL;
        uint64_t key = (mix(state) % (uint64_t) (n / 2 + 1)) | 1;
        uint32_t *c = slot(key, 1);
        if ((*c)++ == 0) distinct++;
    }
    uint64_t checksum = 0;
    state = 0x9E3779B97F4A7C15ULL;
    for (long i = 0; i < 2 * n; i++) {
        state += 0x9E3779B97F4A7C15ULL;
        uint64_t key = (mix(state) % (uint64_t) (n + 1)) | 1;
        uint32_t *c = slot(key, 0);
        checksum = checksum * 31 + (c ? *c : 7);
    }
    snprintf(answer, sizeof answer, "distinct=%llu checksum=%llu", (unsigned long long) distinct,
             (unsigned long long) checksum);
    response->content = answer;
    response->model = "hashtable";
    response->finish_reason = "stop";
    return 0;
}

FLUENT_PLUGIN(handle)

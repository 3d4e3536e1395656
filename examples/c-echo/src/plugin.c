/*
 * c-echo: the echo engine written in C on the C plugin development kit
 * (pdk/c). Returns the payload unchanged, counting its whitespace-separated
 * words as prompt and completion tokens, and logs its size (LoggingAccess).
 * An empty payload is refused with the code EMPTY_PAYLOAD.
 */
#include <stdio.h>

#include "fluent_plugin.h"

static uint64_t words(const char *text, size_t len) {
    uint64_t count = 0;
    int in_word = 0;
    for (size_t i = 0; i < len; i++) {
        int space = text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r';
        if (!space && !in_word) count++;
        in_word = !space;
    }
    return count;
}

static int handle(const fluent_request *request, fluent_response *response) {
    if (request->payload_len == 0) {
        return fluent_fail(response, "EMPTY_PAYLOAD", "the payload is empty: send some text");
    }
    char line[64];
    snprintf(line, sizeof line, "c-echo: %zu bytes", request->payload_len);
    fluent_log(FLUENT_INFO, line);
    response->content = request->payload;
    response->content_len = request->payload_len;
    response->model = "c-echo";
    response->finish_reason = "stop";
    response->prompt_tokens = words(request->payload, request->payload_len);
    response->completion_tokens = response->prompt_tokens;
    return 0;
}

FLUENT_PLUGIN(handle)

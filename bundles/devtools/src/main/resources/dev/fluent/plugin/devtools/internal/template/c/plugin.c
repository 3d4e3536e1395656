/*
 * The {{name}} plugin: a {{engine_type}} engine for the Fluent Plugin Platform.
 *
 * handle turns one request into a response; FLUENT_PLUGIN exports it with the
 * platform's ABI (pdk/fluent_plugin.c). Host functions of the declared
 * capabilities are in pdk/fluent_plugin.h; calling one the manifest does not
 * declare makes the platform refuse the plugin at load.
 */
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
    uint64_t count = words(request->payload, request->payload_len);
    if (count == 0) {
        return fluent_fail(response, "EMPTY_PAYLOAD", "the payload is empty");
    }
{{capability_calls}}    response->content = request->payload;
    response->content_len = request->payload_len;
    response->model = "{{name}}";
    response->finish_reason = "stop";
    response->prompt_tokens = count;
    response->completion_tokens = count;
    return 0;
}

FLUENT_PLUGIN(handle)

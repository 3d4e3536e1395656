/*
 * Native unit tests of the {{name}} plugin, on the C PDK's fakes of the host
 * (pdk/fluent_fakes.h): ./build.sh test builds them with this machine's C
 * compiler and runs them. fluent_fake_config, fluent_fake_http_respond … set
 * what the host answers; fluent_fake_log_line, fluent_fake_http_url … show
 * what the plugin did.
 */
#include "fluent_fakes.h"

#include <stdlib.h>
#include <string.h>

static void answers_with_the_payload(void) {
    char *response = fluent_test_execute("{\"payload\":\"hello world\"}");
    FLUENT_EXPECT(strstr(response, "\"content\":\"hello world\"") != NULL);
    FLUENT_EXPECT(strstr(response, "\"prompt_tokens\":2") != NULL);
    free(response);
}

static void refuses_an_empty_payload(void) {
    char *response = fluent_test_execute("{\"payload\":\"\"}");
    FLUENT_EXPECT(strstr(response, "\"code\":\"EMPTY_PAYLOAD\"") != NULL);
    free(response);
}
{{capability_tests}}
int main(void) {
    void (*tests[])(void) = {answers_with_the_payload, refuses_an_empty_payload{{capability_test_names}}};
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        fluent_fake_reset();
        tests[i]();
    }
    int failures = fluent_test_failures();
    printf("%s: %zu tests, %d failed expectation%s\n", failures ? "FAILED" : "ok", sizeof tests / sizeof tests[0],
           failures, failures == 1 ? "" : "s");
    return failures == 0 ? 0 : 1;
}

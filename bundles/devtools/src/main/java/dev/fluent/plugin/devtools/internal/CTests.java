package dev.fluent.plugin.devtools.internal;

import dev.fluent.plugin.api.Capability;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The native unit tests a new C project starts with ({@code template/c/test.c}), on the C PDK's fakes of the
 * host: one per call {@link ProjectGenerator} writes into the plugin for its capabilities, or, without such a
 * call, one that shows the fakes saw none.
 */
final class CTests {

    private CTests() {
    }

    /**
     * @param functions the test functions, each after a blank line
     * @param names what {@code main}'s table of tests adds to the two every project has: {@code ", a, b"}
     */
    record Generated(String functions, String names) {
    }

    static Generated forCapabilities(Collection<Capability> capabilities) {
        StringBuilder tests = new StringBuilder();
        List<String> names = new ArrayList<>();
        if (capabilities.contains(Capability.LOGGING_ACCESS)) {
            names.add("logs_each_request");
            tests.append("""

                    static void logs_each_request(void) {
                        free(fluent_test_execute("{\\"payload\\":\\"hello\\"}"));
                        int level = -1;
                        FLUENT_EXPECT(fluent_fake_log_count() == 1);
                        FLUENT_EXPECT(strcmp(fluent_fake_log_line(0, &level), "request received") == 0);
                        FLUENT_EXPECT(level == FLUENT_INFO);
                    }
                    """);
        }
        if (capabilities.contains(Capability.METRICS_ACCESS)) {
            names.add("counts_each_request");
            tests.append("""

                    static void counts_each_request(void) {
                        free(fluent_test_execute("{\\"payload\\":\\"hello\\"}"));
                        free(fluent_test_execute("{\\"payload\\":\\"again\\"}"));
                        int64_t total = 0;
                        for (size_t i = 0; i < fluent_fake_metric_count(); i++) {
                            int64_t value = 0;
                            if (strcmp(fluent_fake_metric(i, NULL, &value), "requests") == 0) total += value;
                        }
                        FLUENT_EXPECT(total == 2);
                    }
                    """);
        }
        if (names.isEmpty()) {
            names.add("calls_no_host_function");
            tests.append("""

                    static void calls_no_host_function(void) {
                        free(fluent_test_execute("{\\"payload\\":\\"hello\\"}"));
                        FLUENT_EXPECT(fluent_fake_log_count() == 0 && fluent_fake_http_count() == 0);
                    }
                    """);
        }
        return new Generated(tests.toString(), names.stream().map(n -> ", " + n).reduce("", String::concat));
    }
}

package dev.fluent.plugin.devtools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluent.plugin.api.Permissions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportsTest {

    @Test
    void limitsReadAsWordsNotAsARecord() {
        assertEquals("memory 16 MiB, time 5000 ms, network requests 0, hosts none, file paths none,"
                + " file size 1 MiB, rate 600/min", Reports.limits(new Permissions(16, 5000, 0, List.of(), List.of(), 1, 600)));
        assertEquals("memory 64 MiB, time 30000 ms, network requests 5, hosts api.openai.com *.example.com,"
                + " file paths docs, file size 10 MiB, rate 60/min", Reports.limits(new Permissions(64, 30000, 5,
                List.of("api.openai.com", "*.example.com"), List.of("docs"), 10, 60)));
    }
}

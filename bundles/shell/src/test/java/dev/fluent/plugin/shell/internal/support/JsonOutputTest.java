package dev.fluent.plugin.shell.internal.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.json.JsonViews;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonOutputTest {

    @Test
    void writesAViewAsOneParsableDocumentKeepingFieldOrderAndEscapingControls() throws Exception {
        PluginIdentity record = new PluginIdentity("echo\u001b[2J", "15c39e68", false, "1.0.0",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

        String text = JsonOutput.text(JsonViews.identities(List.of(record)));

        JsonNode owner = new ObjectMapper().readTree(text).get("owners").get(0);
        List<String> names = new ArrayList<>();
        owner.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("plugin_id", "owner", "declared", "version", "created_at", "bound_at"), names);
        assertEquals("echo\u001b[2J", owner.get("plugin_id").asText());
        assertEquals(-1, text.indexOf('\u001b'), text);
        assertEquals("2026-02-01T00:00:00Z", owner.get("bound_at").asText());
    }
}

package dev.fluent.plugin.manifest.internal;

import static dev.fluent.plugin.manifest.internal.Manifests.assertInvalid;
import static dev.fluent.plugin.manifest.internal.Manifests.minimal;
import static dev.fluent.plugin.manifest.internal.Manifests.node;
import static dev.fluent.plugin.manifest.internal.Manifests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.PluginException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CapabilitiesTest {

    private static final String VALID = "valid capabilities: NetworkAccess, FileSystemRead, FileSystemWrite,"
            + " EnvironmentAccess, ConfigurationAccess, CacheAccess, LoggingAccess, MetricsAccess";

    private static ObjectNode withCapabilities(String json) {
        ObjectNode manifest = minimal();
        manifest.set("capabilities", node(json));
        return manifest;
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void everyCapabilityNameRoundTrips(Capability capability) throws PluginException {
        Set<Capability> parsed = parse(withCapabilities("[\"" + capability.manifestName() + "\"]")).capabilities();

        assertEquals(Set.of(capability), parsed);
    }

    @Test
    void acceptsAllCapabilitiesAtOnce() throws PluginException {
        String all = String.join("\", \"",
                EnumSet.allOf(Capability.class).stream().map(Capability::manifestName).toList());

        assertEquals(EnumSet.allOf(Capability.class), parse(withCapabilities("[\"" + all + "\"]")).capabilities());
    }

    @Test
    void acceptsAnEmptyList() throws PluginException {
        assertEquals(Set.of(), parse(withCapabilities("[]")).capabilities());
    }

    @Test
    void absentCapabilitiesMeanNone() throws PluginException {
        assertEquals(Set.of(), parse(minimal()).capabilities());
    }

    @Test
    void listsCapabilitiesInEnumOrderWhateverTheFileOrder() throws PluginException {
        Set<Capability> parsed = parse(withCapabilities("[\"MetricsAccess\", \"NetworkAccess\"]")).capabilities();

        assertEquals(List.of(Capability.NETWORK_ACCESS, Capability.METRICS_ACCESS), List.copyOf(parsed));
    }

    @Test
    void rejectsAnUnknownCapabilityListingTheValidOnes() {
        assertInvalid(withCapabilities("[\"NetworkAccess\", \"ProcessSpawn\"]"), "capabilities[1]",
                "unknown capability \"ProcessSpawn\"", VALID);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NetworkAcess   | NetworkAccess",
        "networkaccess  | NetworkAccess",
        "network_access | NetworkAccess",
        "FileSystemRaed | FileSystemRead",
        "LogingAccess   | LoggingAccess",
    })
    void suggestsTheClosestCapability(String written, String meant) {
        assertInvalid(withCapabilities("[\"" + written + "\"]"), "capabilities[0]",
                "did you mean " + meant + "?", VALID);
    }

    @Test
    void rejectsADuplicateCapability() {
        assertInvalid(withCapabilities("[\"LoggingAccess\", \"CacheAccess\", \"LoggingAccess\"]"),
                "capabilities[2]", "LoggingAccess is listed twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"NetworkAccess\"", "{}", "7", "null"})
    void rejectsCapabilitiesThatAreNotAList(String json) {
        assertInvalid(withCapabilities(json), "capabilities", "expected a list of capability names");
    }

    @Test
    void suggestsLeavingOutNullCapabilities() {
        assertInvalid(withCapabilities("null"), "capabilities", "got null; leave the field out instead");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "[null]", "[[\"NetworkAccess\"]]", "[{\"name\": \"NetworkAccess\"}]"})
    void rejectsACapabilityThatIsNotAString(String json) {
        assertInvalid(withCapabilities(json), "capabilities[0]", "expected a capability name");
    }

    @Test
    void acceptsExtensionCapabilitiesInReverseDomainFormBesideStandardOnes() throws PluginException {
        var manifest = parse(withCapabilities(
                "[\"dev.fluent.example.SqlQuery\", \"LoggingAccess\", \"com.example.Queue\"]"));

        assertEquals(Set.of(Capability.LOGGING_ACCESS), manifest.capabilities());
        assertEquals(List.of("com.example.Queue", "dev.fluent.example.SqlQuery"),
                List.copyOf(manifest.extensionCapabilities()));
        assertEquals(List.of("LoggingAccess", "com.example.Queue", "dev.fluent.example.SqlQuery"),
                manifest.capabilityNames());
        assertEquals(true, manifest.requests("dev.fluent.example.SqlQuery"));
        assertEquals(false, manifest.requests("dev.fluent.example.Other"));
    }

    @Test
    void rejectsADuplicateExtensionCapability() {
        assertInvalid(withCapabilities("[\"com.example.Queue\", \"com.example.Queue\"]"),
                "capabilities[1]", "com.example.Queue is listed twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.", "Com.Example.Sql", "com..Sql", ".com.example.Sql", "com.example.Sql-Query"})
    void rejectsANameThatIsNeitherStandardNorReverseDomain(String name) {
        assertInvalid(withCapabilities("[\"" + name + "\"]"), "capabilities[0]", "unknown capability",
                "reverse-domain form");
    }
}

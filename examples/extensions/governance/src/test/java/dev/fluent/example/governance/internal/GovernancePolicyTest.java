package dev.fluent.example.governance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GovernancePolicyTest {

    private static final String LISTED = "0123456789abcdef0123456789abcdef";
    private static final String OTHER = "fedcba9876543210fedcba9876543210";

    private static GovernanceConfiguration config(String capability, String keys, String hours, String zone) {
        return new GovernanceConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return GovernanceConfiguration.class;
            }

            @Override
            public String capability() {
                return capability;
            }

            @Override
            public String signer__keys() {
                return keys;
            }

            @Override
            public String hours() {
                return hours;
            }

            @Override
            public String zone() {
                return zone;
            }
        };
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static PluginManifest manifest(String signer, Set<Capability> standard, Set<String> extensions) {
        return new PluginManifest("p", "1.0.0", "", "", "test", standard, Permissions.DEFAULTS, "00",
                signer == null ? null : "ed25519:" + signer + ":AA==", null, null, extensions);
    }

    @Test
    void refusesTheCapabilityToAnUnlistedSignerAtLoadNamingThePolicyAndTheKey() {
        GovernancePolicy policy = new GovernancePolicy(config("dev.fluent.example.SqlQuery", LISTED, "00:00-24:00",
                "UTC"), at("2026-12-06T12:00:00Z"));

        PluginException e = assertThrows(PluginException.class,
                () -> policy.check(manifest(OTHER, Set.of(), Set.of("dev.fluent.example.SqlQuery"))));

        assertEquals(ErrorCode.POLICY_REFUSED, e.code());
        assertTrue(e.getMessage().contains("policy example governance (etc/dev.fluent.example.governance.cfg)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("signed by key " + OTHER), e.getMessage());
    }

    @Test
    void allowsAListedSignerAndPluginsThatDoNotAskForTheCapability() throws PluginException {
        GovernancePolicy policy = new GovernancePolicy(config("NetworkAccess", LISTED + ", " + OTHER.replace('f', 'e'),
                "00:00-24:00", "UTC"), at("2026-12-06T12:00:00Z"));

        policy.check(manifest(LISTED, Set.of(Capability.NETWORK_ACCESS), Set.of()));
        policy.check(manifest(null, Set.of(Capability.LOGGING_ACCESS), Set.of()));
        assertThrows(PluginException.class, () -> policy.check(manifest(null, Set.of(Capability.NETWORK_ACCESS),
                Set.of())));
    }

    @Test
    void allowsExecutionsOnlyInsideTheHoursIncludingAWindowPastMidnight() throws PluginException {
        PluginManifest any = manifest(LISTED, Set.of(), Set.of());
        new GovernancePolicy(config("NetworkAccess", "", "08:00-18:00", "UTC"), at("2026-12-06T08:00:00Z"))
                .checkExecution(any);
        PluginException late = assertThrows(PluginException.class, () -> new GovernancePolicy(
                config("NetworkAccess", "", "08:00-18:00", "UTC"), at("2026-12-06T18:00:00Z")).checkExecution(any));
        assertTrue(late.getMessage().contains("only between 08:00-18:00 UTC (hours in etc/"), late.getMessage());
        assertTrue(late.getMessage().contains("it is 18:00 now"), late.getMessage());

        new GovernancePolicy(config("NetworkAccess", "", "22:00-06:00", "UTC"), at("2026-12-06T23:30:00Z"))
                .checkExecution(any);
        assertThrows(PluginException.class, () -> new GovernancePolicy(config("NetworkAccess", "", "22:00-06:00",
                "UTC"), at("2026-12-06T12:00:00Z")).checkExecution(any));
        new GovernancePolicy(config("NetworkAccess", "", "09:00-10:00", "Europe/Paris"), at("2026-12-06T08:30:00Z"))
                .checkExecution(any);
    }

    @Test
    void narrowsTheGrantByTheGovernedCapabilityOnlyForAnUnlistedSigner() {
        GovernancePolicy policy = new GovernancePolicy(config("NetworkAccess", LISTED, "00:00-24:00", "UTC"),
                at("2026-12-06T12:00:00Z"));
        Grant granted = new Grant("p", Set.of(Capability.NETWORK_ACCESS, Capability.LOGGING_ACCESS),
                Permissions.DEFAULTS, List.of(Path.of("/srv")), Path.of("/data/p"), true, false);

        assertEquals(granted, policy.narrow(manifest(LISTED, Set.of(Capability.NETWORK_ACCESS), Set.of()), granted));
        Grant narrowed = policy.narrow(manifest(OTHER, Set.of(Capability.NETWORK_ACCESS), Set.of()), granted);
        assertEquals(Set.of(Capability.LOGGING_ACCESS), narrowed.capabilities());
        assertEquals(Path.of("/data/p"), narrowed.dataFolder());
    }

    @Test
    void aConfigurationThatCannotBeReadNamesTheKey() {
        IllegalArgumentException hours = assertThrows(IllegalArgumentException.class,
                () -> new GovernanceRules("NetworkAccess", "", "8-18", "UTC"));
        assertTrue(hours.getMessage().startsWith("hours (etc/dev.fluent.example.governance.cfg)"), hours.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> new GovernanceRules("NetworkAccess", "not-a-key", "00:00-24:00", "UTC"));
        assertTrue(key.getMessage().startsWith("signer_keys"), key.getMessage());
    }
}

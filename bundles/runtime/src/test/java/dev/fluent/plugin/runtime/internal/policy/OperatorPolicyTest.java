package dev.fluent.plugin.runtime.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.Permissions;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.runtime.internal.execute.RateLimiter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorPolicyTest {

    private static PluginManifest manifest(String name, Set<Capability> capabilities, Permissions permissions) {
        return new PluginManifest(name, "1.0.0", "", "", "test", capabilities, permissions, null, null, null, null);
    }

    private final PluginManifest asking = manifest("p",
            Set.of(Capability.NETWORK_ACCESS, Capability.FILE_SYSTEM_READ, Capability.CACHE_ACCESS),
            new Permissions(128, 60_000, 50, List.of("api.openai.com", "*.example.com", "http://127.0.0.1:8080"),
                    List.of("docs", "/srv/shared/reports", "/etc"), 20, 600));

    @Test
    void aPolicyRequiringAnExpiryRefusesAManifestWithoutOneForAllOrOnePlugin() throws Exception {
        PluginException e = assertThrows(PluginException.class,
                () -> new OperatorPolicy(Map.of("require_expires_at", "true")).check(asking));
        assertEquals(ErrorCode.POLICY_REFUSED, e.code());
        assertTrue(e.getMessage().contains("has no expires_at") && e.getMessage().contains("require_expires_at"),
                e.getMessage());
        new OperatorPolicy(Map.of("require_expires_at", "true", "require_expires_at.p", "false")).check(asking);
        new OperatorPolicy(Map.of()).check(asking);
        PluginManifest expiring = new PluginManifest("p", "1.0.0", "", "", "test", Set.of(), asking.permissions(),
                null, null, java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.Instant.parse("2036-01-01T00:00:00Z"));
        new OperatorPolicy(Map.of("require_expires_at", "true")).check(expiring);
    }

    @Test
    void withoutPolicyAPluginGetsWhatItsManifestAsksExceptAbsolutePaths() {
        Grant grant = new OperatorPolicy(Map.of(OperatorPolicy.DATA_DIR, "/var/data")).grant(asking);
        assertEquals(asking.capabilities(), grant.capabilities());
        assertEquals(asking.permissions().allowedHosts(), grant.permissions().allowedHosts());
        assertEquals(List.of("docs"), grant.permissions().allowedFilePaths(), "no roots: only relative paths");
        assertEquals(Path.of("/var/data/p"), grant.dataFolder());
        assertFalse(grant.loopbackAllowed());
        assertFalse(grant.privateAddressesAllowed());
    }

    @Test
    void capsEveryLimit() {
        Grant grant = new OperatorPolicy(Map.of(OperatorPolicy.MAX_TIME, "1000", OperatorPolicy.MAX_REQUESTS, "5",
                OperatorPolicy.MAX_FILE_SIZE, "2", OperatorPolicy.MAX_RATE, "60", OperatorPolicy.MAX_MEMORY, "512"))
                .grant(asking);
        Permissions p = grant.permissions();
        assertEquals(128, p.maxMemoryMb());
        assertEquals(1000, p.maxExecutionTimeMs());
        assertEquals(5, p.maxNetworkRequests());
        assertEquals(2, p.maxFileSizeMb());
        assertEquals(60, p.rateLimitRequestsPerMinute());
    }

    @Test
    void grantsOnlyHostsAndRootsThePolicyAllows() {
        Grant grant = new OperatorPolicy(Map.of(OperatorPolicy.ALLOWED_HOSTS, "*.openai.com, https://a.example.com",
                OperatorPolicy.ALLOWED_ROOTS, "/srv/shared")).grant(asking);
        assertEquals(List.of("api.openai.com"), grant.permissions().allowedHosts());
        assertEquals(List.of("docs", "/srv/shared/reports"), grant.permissions().allowedFilePaths());
        assertEquals(List.of(Path.of("/srv/shared")), grant.allowedRoots());
    }

    @Test
    void perPluginKeysOverrideThePlatformWideOnes() {
        OperatorPolicy policy = new OperatorPolicy(Map.of(OperatorPolicy.ALLOW_LOOPBACK + ".p", "true",
                OperatorPolicy.MAX_REQUESTS, "1", OperatorPolicy.MAX_REQUESTS + ".p", "9",
                OperatorPolicy.ALLOW_PRIVATE, "true", OperatorPolicy.ALLOW_PRIVATE + ".p", "false"));
        Grant grant = policy.grant(asking);
        assertTrue(grant.loopbackAllowed());
        assertFalse(grant.privateAddressesAllowed());
        assertEquals(9, grant.permissions().maxNetworkRequests());
        Grant other = policy.grant(manifest("q", Set.of(), asking.permissions()));
        assertFalse(other.loopbackAllowed());
        assertEquals(1, other.permissions().maxNetworkRequests());
    }

    @Test
    void forbiddenCapabilitiesAreRefusedAtLoadAndNeverGranted() {
        OperatorPolicy policy = new OperatorPolicy(Map.of(OperatorPolicy.FORBIDDEN_CAPABILITIES, "FileSystemWrite",
                OperatorPolicy.FORBIDDEN_CAPABILITIES + ".p", List.of("NetworkAccess", "nonsense")));
        PluginException e = assertThrows(PluginException.class, () -> policy.check(asking));
        assertEquals(ErrorCode.CAPABILITY_NOT_GRANTED, e.code());
        assertTrue(e.getMessage().contains("NetworkAccess"), e.getMessage());
        assertEquals(Set.of(Capability.FILE_SYSTEM_READ, Capability.CACHE_ACCESS), policy.grant(asking).capabilities());
    }

    @Test
    void refusesAtLoadMoreMemoryThanTheCap() throws PluginException {
        PluginException e = assertThrows(PluginException.class,
                () -> new OperatorPolicy(Map.of(OperatorPolicy.MAX_MEMORY, "64")).check(asking));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
        new OperatorPolicy(Map.of(OperatorPolicy.MAX_MEMORY, "128")).check(asking);
    }

    @Test
    void rateLimiterIsATokenBucket() {
        RateLimiter limiter = new RateLimiter();
        long t = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.tryAcquire(3, t));
        }
        long wait = limiter.tryAcquire(3, t);
        assertTrue(wait > 19_000 && wait <= 20_000, Long.toString(wait));
        assertEquals(0, limiter.tryAcquire(3, t + 20_000_000_000L));
        assertTrue(limiter.tryAcquire(3, t + 20_000_000_000L) > 0);
    }
}

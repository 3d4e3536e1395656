package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.PolicyService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;

/**
 * The extension kit's governance policy (examples/extensions/governance), dropped into Karaf's {@code deploy/}
 * folder of the real distribution with its configuration in {@code etc/}: a plugin of an unlisted signer that
 * declares the governed capability is refused at load, executions outside the configured hours are refused,
 * both naming the policy and both in the audit log; removing the jar ends both, with no restart and no change
 * to the platform's bundles.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GovernanceExtensionIT extends PlatformTestSupport {

    private static final String PID = "dev.fluent.example.governance";
    private static final String POLICY = "example governance (etc/" + PID + ".cfg)";

    @Inject
    private PluginRegistry registry;

    @Inject
    private AuditLog auditLog;

    private boolean policyRegistered() {
        try {
            return bundleContext.getServiceReferences(PolicyService.class, null).stream()
                    .anyMatch(r -> POLICY.equals(bundleContext.getService(r).name()));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<AuditRecord> failures(String plugin, String action) {
        return auditLog.query(AuditQuery.builder().pluginId(plugin).action(action).failedOnly(true).limit(20).build());
    }

    @Test
    public void theDroppedPolicyRefusesAnUnlistedSignerAtLoadAndExecutionsOutsideItsHours() throws Exception {
        Path jar = extensionJar("governance");
        Path base = Paths.get(System.getProperty("karaf.base"));
        Path config = base.resolve("etc").resolve(PID + ".cfg");
        Path deployed = base.resolve("deploy").resolve(jar.getFileName());
        // A window of one hour that starts two hours from now: closed now, whatever the time of the run.
        LocalTime opens = LocalTime.now(ZoneOffset.UTC).plusHours(2);
        String hours = String.format("%02d:00-%02d:00", opens.getHour(), opens.plusHours(1).getHour());
        Files.writeString(config, "capability = CacheAccess\n"
                + "signer_keys = 0123456789abcdef0123456789abcdef\n"
                + "hours = " + hours + "\n"
                + "zone = UTC\n");
        Files.createDirectories(deployed.getParent());
        Files.copy(jar, deployed);
        try {
            waitUntil("the dropped policy registered", this::policyRegistered);

            PluginException refused = assertThrows(PluginException.class,
                    () -> registry.load(pluginFolder("kv-counter"), false));
            assertEquals(ErrorCode.POLICY_REFUSED, refused.code());
            assertTrue(refused.getMessage(), refused.getMessage().startsWith("refused by policy '" + POLICY + "'"));
            assertTrue(refused.getMessage(), refused.getMessage().contains("declares CacheAccess"));

            registry.load(pluginFolder("echo"), false);
            PluginException closed = assertThrows(PluginException.class,
                    () -> registry.execute("echo", EngineRequest.of("now")));
            assertEquals(ErrorCode.POLICY_REFUSED, closed.code());
            assertTrue(closed.getMessage(), closed.getMessage().contains("allows executions only between " + hours));

            waitUntil("both refusals audited", () -> failures("kv-counter", "load").stream()
                    .anyMatch(r -> r.error().contains(POLICY)) && failures("echo", "execute").stream()
                    .anyMatch(r -> r.error().contains(POLICY) && r.error().contains("only between")));
        } finally {
            Files.deleteIfExists(deployed);
        }
        waitUntil("the removed policy unregistered", () -> !policyRegistered());
        try {
            assertEquals("again", registry.execute("echo", EngineRequest.of("again")).content());
            registry.load(pluginFolder("kv-counter"), false);
        } finally {
            Files.deleteIfExists(config);
            for (String id : List.of("echo", "kv-counter")) {
                if (registry.find(id).isPresent()) {
                    registry.unload(id);
                }
            }
        }
    }
}

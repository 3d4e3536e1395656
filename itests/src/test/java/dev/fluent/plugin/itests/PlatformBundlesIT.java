package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.fluent.plugin.api.ManifestParser;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import javax.inject.Inject;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

/** The distribution boots the platform: its bundles are all there and active, and their services are up. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformBundlesIT extends PlatformTestSupport {

    /** Kept for the whole test: Config Admin is a service factory, and a released instance is unusable. */
    @Inject
    private ConfigurationAdmin configurationAdmin;

    private static final Set<String> EXPECTED = Set.of(
            "dev.fluent.plugin.api",
            "dev.fluent.plugin.audit",
            "dev.fluent.plugin.manifest",
            "dev.fluent.plugin.runtime",
            "dev.fluent.plugin.sources",
            "dev.fluent.plugin.shell",
            "dev.fluent.plugin.trust",
            "dev.fluent.plugin.verifier.ed25519",
            "dev.fluent.plugin.verifier.rsa",
            "dev.fluent.plugin.host.network",
            "dev.fluent.plugin.host.filesystem",
            "dev.fluent.plugin.host.environment",
            "dev.fluent.plugin.host.config",
            "dev.fluent.plugin.host.cache",
            "dev.fluent.plugin.host.logging",
            "dev.fluent.plugin.host.metrics",
            "dev.fluent.plugin.http");

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(Arrays.asList(super.config()));
        // Pax Exam logs at WARN: the features service's account of the boot deployment (what it installs,
        // stops, refreshes and starts, at INFO) is kept for bootDeploymentRefreshesNoBundle.
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg",
                "log4j2.logger.features.name", "org.apache.karaf.features.internal.service.FeaturesServiceImpl"));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.features.level", "INFO"));
        return options.toArray(new Option[0]);
    }

    @Test
    public void bootsThePlatformBundlesAllActive() throws InterruptedException {
        // Boot features may still be starting when the probe runs: give them a moment.
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        Map<String, String> states = states();
        while (!allActive(states) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            states = states();
        }
        assertTrue("platform bundles " + states.keySet() + " include " + EXPECTED, states.keySet().containsAll(EXPECTED));
        assertTrue("every platform bundle is ACTIVE: " + states, allActive(states));
    }

    /**
     * The boot features deployment of a fresh container (empty data/, as after an installation or an upgrade)
     * only installs and starts bundles: it stops and refreshes none. A refresh there stops the startup
     * bundles, features.core among them, and hangs the boot when features.core runs the deployment inside its
     * own activator (karaf-assembly's pom, startupFeatures).
     */
    @Test
    public void bootDeploymentRefreshesNoBundle() throws Exception {
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        List<String> deployment = bootDeployment(log);
        while (deployment.stream().noneMatch(l -> l.endsWith("| Done.")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            deployment = bootDeployment(log);
        }
        assertTrue("the boot deployment is logged to the end in " + log + ":\n" + String.join("\n", deployment),
                deployment.stream().anyMatch(l -> l.endsWith("| Done.")));
        // From the first "Stopping bundles:" or "Refreshing bundles:" on: the bundles concerned (and, for a
        // refresh, why), as far as the log still shows them once pax-logging-api itself is stopped.
        List<String> restarts = deployment.stream()
                .dropWhile(l -> !l.endsWith("| Stopping bundles:") && !l.endsWith("| Refreshing bundles:"))
                .limit(30)
                .collect(Collectors.toList());
        assertTrue("the boot deployment stopped or refreshed bundles: a boot feature brings the first provider of a"
                + " package a startup bundle imports (optionally); make that provider a startup feature in"
                + " karaf-assembly's pom:\n" + String.join("\n", restarts), restarts.isEmpty());
    }

    /** The lines of karaf.log from the boot deployment's "Changes to perform:" on, or none before it starts. */
    private static List<String> bootDeployment(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("| Changes to perform:")) {
                return lines.subList(i, lines.size());
            }
        }
        return List.of();
    }

    @Test
    public void registersTheManifestParser() {
        assertNotNull(waitForService(ManifestParser.class));
    }

    @Test
    public void listsThePlatformBundlesInTheShell() {
        String output = executeCommand("bundle:list -s -t 0");
        for (String name : EXPECTED) {
            assertTrue(name + " in:\n" + output, output.contains(name));
        }
    }

    /**
     * The shell loads and runs code: the distribution offers it on loopback only. A connection to the SSH
     * port on loopback is answered; one to any other address of this machine is refused.
     */
    @Test
    public void sshListensOnLoopbackOnly() throws Exception {
        Dictionary<String, Object> shell = configurationAdmin.getConfiguration("org.apache.karaf.shell", null)
                .getProperties();
        assertEquals("127.0.0.1", String.valueOf(shell.get("sshHost")).trim());
        int port = Integer.parseInt(String.valueOf(shell.get("sshPort")).trim());
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (true) {
            try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (ConnectException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress() || !nic.isUp()) {
                    continue;
                }
                try (Socket other = new Socket()) {
                    other.connect(new InetSocketAddress(address, port), 2_000);
                    fail("SSH answered on " + address);
                } catch (ConnectException | SocketTimeoutException refused) {
                    // what loopback-only means
                }
            }
        }
    }

    private Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        for (Map.Entry<String, Bundle> entry : platformBundles().entrySet()) {
            states.put(entry.getKey(), entry.getValue().getState() == Bundle.ACTIVE ? "ACTIVE" : "state " + entry.getValue().getState());
        }
        return states;
    }

    private static boolean allActive(Map<String, String> states) {
        return states.keySet().containsAll(EXPECTED) && states.values().stream().allMatch("ACTIVE"::equals);
    }
}

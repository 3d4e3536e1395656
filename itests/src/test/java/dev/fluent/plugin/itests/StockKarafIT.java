package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.MavenUtils;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The platform installed into an unmodified Apache Karaf 4.4.10, the way an operator of an existing Karaf does
 * it: {@code feature:repo-add} of the platform's features, then {@code feature:install fluent-plugin-all} into
 * the running container. Karaf's own bundles must keep their wiring (no refresh: a refreshed SSH bundle does
 * not bring the SSH server back), the feature must bring its configuration and folders, and a signed plugin
 * must load once its key is trusted.
 *
 * <p>Only the ports and the local Maven repository of the stock distribution are configured, so that it can
 * run beside other containers and find the platform's artifacts of this build.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StockKarafIT extends PlatformTestSupport {

    private static final String STOCK_KARAF_VERSION = "4.4.10";
    private static final String SSH_PORT_PROPERTY = "fluent.itests.ssh.port";
    private static final String PLATFORM_VERSION_PROPERTY = "fluent.itests.platform.version";
    private static final long INSTALL_TIMEOUT_MILLIS = 120_000;

    /** Kept for the whole test: Config Admin is a service factory, and a released instance is unusable. */
    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    @Override
    public Option[] config() {
        Path moduleDir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        String localRepository = System.getProperty("org.ops4j.pax.url.mvn.localRepository", "");
        String sshPort = freePort();
        String httpPort = freePort();
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(maven("org.apache.karaf", "apache-karaf").type("tar.gz").version(STOCK_KARAF_VERSION))
                    .karafVersion(STOCK_KARAF_VERSION)
                    .name("Apache Karaf")
                    .unpackDirectory(moduleDir.resolve("target/exam-stock").toFile())
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            when(Boolean.getBoolean("fluent.itests.keep")).useOptions(keepRuntimeFolder()),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", sshPort),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
            // pax-web comes with the HTTP feature; its port is set ahead so that it never meets another on 8181.
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", httpPort),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", "127.0.0.1"),
            when(!localRepository.isEmpty()).useOptions(editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepository)),
            systemProperty(SSH_PORT_PROPERTY).value(sshPort),
            systemProperty(PLATFORM_VERSION_PROPERTY).value(
                    MavenUtils.getArtifactVersion("dev.fluent.plugin", "dev.fluent.plugin.api")),
            systemProperty(EXAMPLES_DIR_PROPERTY).value(moduleDir.getParent().resolve("examples").toString()),
            vmOptions("-Xmx2048m"),
            vmOptions(java17Options()),
        };
    }

    @Test
    public void installsIntoAStockKarafWithoutRefreshingItsBundles() throws Exception {
        Map<Long, Bundle> stock = new TreeMap<>();
        Map<Long, BundleWiring> wiringBefore = new TreeMap<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            stock.put(bundle.getBundleId(), bundle);
            wiringBefore.put(bundle.getBundleId(), bundle.adapt(BundleWiring.class));
        }
        Bundle sshd = bySymbolicName("org.apache.sshd.osgi");
        Map<String, String> sshdImportsBefore = packageProviders(sshd);

        List<String> disturbed = Collections.synchronizedList(new ArrayList<>());
        BundleListener listener = event -> {
            int type = event.getType();
            if (stock.containsKey(event.getBundle().getBundleId()) && (type == BundleEvent.UNRESOLVED
                    || type == BundleEvent.STOPPED || type == BundleEvent.UPDATED)) {
                disturbed.add(event.getBundle().getSymbolicName() + " " + eventName(type));
            }
        };
        bundleContext.addBundleListener(listener);
        Throwable installFailure = null;
        try {
            String version = System.getProperty(PLATFORM_VERSION_PROPERTY);
            executeCommand("feature:repo-add mvn:dev.fluent.plugin/fluent-plugin-features/" + version + "/xml/features");
            executeCommand("feature:install fluent-plugin-all", INSTALL_TIMEOUT_MILLIS);
        } catch (Throwable e) {
            // A refresh of Karaf's shell bundles ends the session running the command: report what was refreshed.
            installFailure = e;
        } finally {
            bundleContext.removeBundleListener(listener);
        }

        assertTrue("no bundle of the stock container was stopped, unresolved or updated, yet: " + disturbed,
                disturbed.isEmpty());
        if (installFailure != null) {
            throw new AssertionError("feature:install fluent-plugin-all failed", installFailure);
        }
        for (Map.Entry<Long, Bundle> entry : stock.entrySet()) {
            BundleWiring now = entry.getValue().adapt(BundleWiring.class);
            assertTrue(entry.getValue().getSymbolicName() + " keeps its wiring (not refreshed)",
                    now == wiringBefore.get(entry.getKey()) && (now == null || now.isCurrent()));
        }
        assertEquals("org.apache.sshd.osgi imports each package from the same bundle as before",
                sshdImportsBefore, packageProviders(sshd));
        assertEquals(Bundle.ACTIVE, sshd.getState());

        assertSshAnswers();
        assertDefaultConfiguration();
        loadsTheSignedEchoOnceItsKeyIsTrusted();
    }

    /** Karaf's SSH server still accepts connections and greets with its protocol banner. */
    private void assertSshAnswers() throws IOException {
        int port = Integer.parseInt(System.getProperty(SSH_PORT_PROPERTY));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String banner = in.readLine();
            assertNotNull("the SSH server closed the connection without a banner", banner);
            assertTrue("SSH banner: " + banner, banner.startsWith("SSH-2.0-"));
        }
    }

    /** The feature's configuration is in Config Admin and in etc/, and the folders the platform uses exist. */
    private void assertDefaultConfiguration() throws Exception {
        org.osgi.service.cm.Configuration[] policy = configurationAdmin.listConfigurations("(service.pid=dev.fluent.plugin)");
        assertNotNull("Config Admin holds dev.fluent.plugin", policy);
        Dictionary<String, Object> properties = policy[0].getProperties();
        assertEquals("signed plugins only", "false", String.valueOf(properties.get("development.mode")));
        assertEquals("256", String.valueOf(properties.get("max_memory_mb")));
        for (String pid : new String[] {"dev.fluent.plugin.trust", "dev.fluent.plugin.deployer", "dev.fluent.plugin.http"}) {
            assertNotNull("Config Admin holds " + pid, configurationAdmin.listConfigurations("(service.pid=" + pid + ")"));
        }
        Path etc = Paths.get(System.getProperty("karaf.etc"));
        for (String file : new String[] {"dev.fluent.plugin.cfg", "dev.fluent.plugin.trust.cfg", "dev.fluent.plugin.deployer.cfg"}) {
            assertTrue(file + " written to etc/", Files.isRegularFile(etc.resolve(file)));
        }
        // Made by the trust store and the deployer once their components activate.
        waitForFolder(etc.resolve("fluent/trusted-keys"));
        waitForFolder(Paths.get(System.getProperty("karaf.base")).resolve("plugins"));
    }

    /**
     * A stock user's first load of a plugin signed by an unknown key is refused with the command that
     * trusts a key; after {@code plugin:trust add} the same plugin loads and answers.
     */
    private void loadsTheSignedEchoOnceItsKeyIsTrusted() {
        waitForServiceNamed("dev.fluent.plugin.api.PluginRegistry");
        waitForServiceNamed("dev.fluent.plugin.api.spi.TrustStore");
        String echo = pluginFolder("echo").toString();
        String refusal = null;
        try {
            executeWhenRegistered("plugin:load " + echo);
        } catch (AssertionError refused) {
            refusal = String.valueOf(refused.getMessage());
        }
        assertNotNull("the echo example loaded though its key is not trusted", refusal);
        assertTrue(refusal, refusal.contains("KEY_UNTRUSTED") && refusal.contains("plugin:trust add <public.pem>"));
        Path key = pluginFolder("keys").resolve("dev-signing-key.pub.pem");
        assertTrue(executeWhenRegistered("plugin:trust add " + key).contains("Trusted"));
        executeCommand("plugin:load " + echo);
        String answer = executeWhenRegistered("plugin:execute echo hi");
        assertTrue("echo answers: " + answer, answer.contains("hi"));
    }

    /**
     * Runs a command, waiting for it to be registered first: Karaf adds a command to the shell once the
     * services it references are there, which may be a moment after the feature's bundles started.
     */
    private String executeWhenRegistered(String command) {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (true) {
            try {
                return executeCommand(command);
            } catch (AssertionError e) {
                String message = String.valueOf(e.getMessage());
                if (!message.contains("Command not found") || System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            pause();
        }
    }

    private void waitForServiceNamed(String objectClass) {
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(bundleContext, FrameworkUtil.createFilter("(objectClass=" + objectClass + ")"), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(objectClass, e);
        }
        tracker.open(true);
        try {
            assertNotNull("no " + objectClass + " service", tracker.waitForService(DEFAULT_TIMEOUT_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + objectClass, e);
        } finally {
            tracker.close();
        }
    }

    private static void waitForFolder(Path folder) {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (!Files.isDirectory(folder)) {
            if (System.currentTimeMillis() > deadline) {
                fail("no folder " + folder);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private Bundle bySymbolicName(String name) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (name.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("the stock container has no bundle " + name);
    }

    /** Each package the bundle imports, with the bundle (name, version, id) that provides it. */
    private static Map<String, String> packageProviders(Bundle bundle) {
        Map<String, String> providers = new TreeMap<>();
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        for (BundleWire wire : wiring.getRequiredWires(null)) {
            Object pkg = wire.getCapability().getAttributes().get("osgi.wiring.package");
            if (pkg != null) {
                Bundle provider = wire.getProvider().getBundle();
                providers.put(pkg.toString(), provider.getSymbolicName() + " " + provider.getVersion() + " #"
                        + provider.getBundleId());
            }
        }
        return providers;
    }

    private static String eventName(int type) {
        switch (type) {
            case BundleEvent.UNRESOLVED:
                return "UNRESOLVED";
            case BundleEvent.STOPPED:
                return "STOPPED";
            default:
                return "UPDATED";
        }
    }
}

package dev.fluent.plugin.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots the distribution that {@code karaf-assembly} builds, one container per test class, and offers
 * what the platform's integration tests share: shell commands, service look-ups and the example plugins.
 *
 * <p>Subclasses are annotated {@code @RunWith(PaxExam.class)} and {@code @ExamReactorStrategy(PerClass.class)}.
 * Their test methods run inside the container; {@link #config()} runs in the test JVM.
 */
public abstract class PlatformTestSupport {

    /** Prefix of the symbolic names of the platform's own bundles. */
    protected static final String PLATFORM_BUNDLE_PREFIX = "dev.fluent.plugin";

    /** System property, set in the container, naming the repository's {@code examples} folder. */
    protected static final String EXAMPLES_DIR_PROPERTY = "fluent.examples.dir";

    protected static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

    /** Waits until {@code condition} holds, failing the test with {@code what} after {@link #DEFAULT_TIMEOUT_MILLIS}. */
    protected static void waitUntil(String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                org.junit.Assert.fail("not within " + DEFAULT_TIMEOUT_MILLIS + " ms: " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Configuration PID of the watched plugin folder. */
    protected static final String DEPLOYER_PID = "dev.fluent.plugin.deployer";

    /** The watched plugin folder of a test container, relative to {@code karaf.base}. */
    protected static final String WATCHED_FOLDER = "test-plugins";

    /** System property, set in the container, holding the port of its HTTP service (REST API, metrics). */
    protected static final String HTTP_PORT_PROPERTY = "fluent.itests.http.port";

    /** The distribution's default heap (bin/setenv, JAVA_MAX_MEM). */
    protected static final String DISTRIBUTION_HEAP = "2048m";

    @Inject
    protected BundleContext bundleContext;

    /** Injected once the Karaf shell is up. */
    @Inject
    protected SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        // The test JVM runs in the itests module: the repository root is its parent.
        Path moduleDir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        Path examplesDir = moduleDir.getParent().resolve("examples");
        String localRepository = System.getProperty("org.ops4j.pax.url.mvn.localRepository", "");
        String httpPort = freePort();

        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(distribution())
                    .karafVersion(karafVersion())
                    .name("Fluent Plugin Platform")
                    .unpackDirectory(moduleDir.resolve("target/exam").toFile())
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            // The boot runs as the distribution ships it (etc/org.apache.karaf.features.cfg). Its deployment
            // stops and refreshes no bundle (PlatformBundlesIT checks it), so Pax Exam's probe, installed while
            // it may still run, never meets features.core restarting: a bundle installed as its region digraph
            // reloads belongs to no region, and the digraph's hook refuses it ("Resolver hook prevented
            // resolution").
            // -Dfluent.itests.keep=true keeps target/exam/<id>/ (its data/log/karaf.log) after the run.
            when(Boolean.getBoolean("fluent.itests.keep")).useOptions(keepRuntimeFolder()),
            // Free ports, so that several containers (and a running platform) can coexist.
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", httpPort),
            systemProperty(HTTP_PORT_PROPERTY).value(httpPort),
            when(!localRepository.isEmpty()).useOptions(editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepository)),
            systemProperty(EXAMPLES_DIR_PROPERTY).value(examplesDir.toString()),
            // The distribution's own plugins/ folder holds the examples, which tests load themselves: the
            // watched folder of a test container is an empty one of its own.
            editConfigurationFilePut("etc/" + DEPLOYER_PID + ".cfg", "folder", "${karaf.base}/" + WATCHED_FOLDER),
            editConfigurationFilePut("etc/" + DEPLOYER_PID + ".cfg", "scan.interval.ms", "200"),
            // The examples are signed with the development key, which only development mode trusts.
            editConfigurationFilePut("etc/dev.fluent.plugin.cfg", "development.mode",
                    Boolean.toString(developmentMode())),
            vmOptions("-Xmx" + heap()),
            vmOptions(java17Options()),
        };
    }

    /**
     * The tar.gz built by karaf-assembly: the file the build names in {@code fluent.assembly.file}, or else
     * (e.g. in an IDE) the artifact in the local Maven repository.
     */
    private static String distribution() {
        String file = System.getProperty("fluent.assembly.file", "");
        if (!file.isEmpty() && Files.isRegularFile(Paths.get(file))) {
            return Paths.get(file).toUri().toString();
        }
        return maven()
                .groupId("dev.fluent.plugin")
                .artifactId("fluent-plugin-assembly")
                .type("tar.gz")
                .versionAsInProject()
                .getURL();
    }

    /**
     * Whether the container runs in development mode ({@code development.mode} of
     * {@code etc/dev.fluent.plugin.cfg}): unsigned plugins load and the development key the examples are
     * signed with is trusted. On for the tests of everything but trust itself.
     */
    protected boolean developmentMode() {
        return true;
    }

    /**
     * The container's heap, explicit so that the memory budget (a share of it) admits the same plugins on
     * every machine: twice the distribution's default, as a test class may keep more plugins loaded at once
     * than the distribution's three examples (each reserves its pool's worst case).
     */
    protected String heap() {
        return "4096m";
    }

    /**
     * What {@code bin/karaf} passes to a Java 9+ JVM: Pax Exam starts Karaf's main class directly, so
     * without these the endorsed spec locator and the modules Karaf opens are missing. Paths are
     * relative to the unpacked distribution, the container's working directory.
     */
    protected static String[] java17Options() {
        String karafVersion = karafVersion();
        return new String[] {
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
            "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
            // bin/karaf's class path on Java 9+: lib/boot plus lib/jdk9plus (JAXB, activation, annotations)
            "-classpath", "lib/boot/*" + File.pathSeparator + "lib/jdk9plus/*",
        };
    }

    private static String karafVersion() {
        return org.ops4j.pax.exam.MavenUtils.getArtifactVersion("org.apache.karaf.shell", "org.apache.karaf.shell.core");
    }

    protected static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * Runs one shell command line as an administrator and returns what it printed.
     *
     * @throws AssertionError when the command fails or takes longer than 30 s, with its output so far
     */
    protected String executeCommand(String command) {
        return executeCommand(command, DEFAULT_TIMEOUT_MILLIS);
    }

    protected String executeCommand(String command, long timeoutMillis) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Subject admin = new Subject();
        admin.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : new String[] {"admin", "manager", "viewer", "systembundles", "ssh"}) {
            admin.getPrincipals().add(new RolePrincipal(role));
        }
        PrivilegedExceptionAction<Object> run = () -> {
            try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out)) {
                return session.execute(command);
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Object> result = executor.submit(() -> Subject.doAs(admin, run));
            result.get(timeoutMillis, TimeUnit.MILLISECONDS);
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            throw new AssertionError("'" + command + "' failed: " + cause + "\n" + bytes.toString(StandardCharsets.UTF_8), cause);
        } catch (TimeoutException e) {
            throw new AssertionError("'" + command + "' did not finish within " + timeoutMillis + " ms\n"
                    + bytes.toString(StandardCharsets.UTF_8), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running '" + command + "'", e);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Waits for a service.
     *
     * @param filter an LDAP filter on the service's properties, or {@code null} for any
     * @throws AssertionError when none is registered within the timeout
     */
    protected <T> T waitForService(Class<T> type, String filter, long timeoutMillis) {
        String objectClass = "(objectClass=" + type.getName() + ")";
        String full = filter == null || filter.isBlank() ? objectClass : "(&" + objectClass + filter + ")";
        ServiceTracker<T, T> tracker;
        try {
            tracker = new ServiceTracker<>(bundleContext, FrameworkUtil.createFilter(full), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + full, e);
        }
        tracker.open(true);
        try {
            T service = tracker.waitForService(timeoutMillis);
            if (service == null) {
                throw new AssertionError("no service " + full + " within " + timeoutMillis + " ms");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + full, e);
        } finally {
            tracker.close();
        }
    }

    protected <T> T waitForService(Class<T> type) {
        return waitForService(type, null, DEFAULT_TIMEOUT_MILLIS);
    }

    /**
     * The jar of one module of the extension kit ({@code examples/extensions/<module>/target}), built by
     * {@code mvn -f examples/extensions/pom.xml install} (test.sh builds it before the Pax Exam tests). Without
     * it the test is skipped, or fails where CI requires every part ({@code FLUENT_REQUIRE_TOOLCHAINS=1}).
     */
    protected Path extensionJar(String module) throws IOException {
        Path target = Paths.get(System.getProperty(EXAMPLES_DIR_PROPERTY), "extensions", module, "target");
        if (Files.isDirectory(target)) {
            try (java.nio.file.DirectoryStream<Path> jars =
                    Files.newDirectoryStream(target, "dev.fluent.example." + module + "-*.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            }
        }
        String missing = "the extension kit is not built (" + target + "): run mvn -f examples/extensions/pom.xml"
                + " install, as test.sh does before the Pax Exam tests";
        if ("1".equals(System.getenv("FLUENT_REQUIRE_TOOLCHAINS"))) {
            throw new AssertionError(missing);
        }
        org.junit.Assume.assumeTrue(missing, false);
        return null;
    }

    /** The folder {@code examples/<name>} of the repository, e.g. {@code pluginFolder("echo")}. */
    protected Path pluginFolder(String name) {
        String examples = System.getProperty(EXAMPLES_DIR_PROPERTY);
        if (examples == null) {
            throw new IllegalStateException(EXAMPLES_DIR_PROPERTY + " is not set in the container");
        }
        Path folder = Paths.get(examples).resolve(name).normalize();
        if (!Files.isDirectory(folder)) {
            throw new AssertionError("no example plugin folder " + folder);
        }
        return folder;
    }

    /** The platform's bundles by symbolic name. */
    protected Map<String, Bundle> platformBundles() {
        Map<String, Bundle> bundles = new TreeMap<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name != null && name.startsWith(PLATFORM_BUNDLE_PREFIX)) {
                bundles.put(name, bundle);
            }
        }
        return bundles;
    }
}

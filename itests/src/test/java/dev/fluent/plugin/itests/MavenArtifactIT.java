package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.PluginInfo;
import dev.fluent.plugin.api.PluginRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Base64;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Plugins as Maven artifacts in the real distribution: the test publishes the echo example as a zip into a
 * {@code file:} Maven repository of its own, adds it to Karaf's repositories
 * ({@code org.ops4j.pax.url.mvn.repositories} of {@code etc/org.ops4j.pax.url.mvn.cfg}), and loads it with
 * {@code plugin:load mvn:…/zip} through Karaf's own Maven resolution. The artifact's version is new on every run,
 * so it cannot come from a local repository an earlier run filled.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MavenArtifactIT extends PlatformTestSupport {

    private static final String GROUP = "org.example.fluent.itest";
    private static final String VERSION_PROPERTY = "fluent.itests.artifact.version";
    private static final String REPOSITORY_PROPERTY = "fluent.itests.artifact.repository";
    private static final String PAX_URL_PID = "org.ops4j.pax.url.mvn";
    private static final String REPOSITORIES = "org.ops4j.pax.url.mvn.repositories";
    private static final String HTTP_USER = "maven-operator";
    private static final String HTTP_PASSWORD = "maven-pass-1618";

    @Inject
    private ConfigurationAdmin configurationAdmin;

    /**
     * Adds the test's repository to Karaf's Maven repositories as an operator does, in
     * {@code etc/org.ops4j.pax.url.mvn.cfg}: pax-url takes the change without a restart.
     */
    @Before
    public void addTheTestRepository() throws Exception {
        Dictionary<String, Object> properties = configurationAdmin.getConfiguration(PAX_URL_PID, null).getProperties();
        String repository = System.getProperty(REPOSITORY_PROPERTY) + "@id=fluent-test-plugins";
        Object current = properties == null ? null : properties.get(REPOSITORIES);
        String repositories = current == null ? "" : current.toString().trim();
        if (!repositories.contains(repository)) {
            ConfigurationFiles.set(configurationAdmin, PAX_URL_PID,
                    Map.of(REPOSITORIES, repositories.isEmpty() ? repository : repository + ", " + repositories));
        }
    }

    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        Path module = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        String version = "1.0." + System.currentTimeMillis();
        Path repository = module.resolve("target/plugin-repository-" + version);
        publishEcho(module.getParent().resolve("examples/echo"), repository, version);
        List<Option> options = new java.util.ArrayList<>(Arrays.asList(super.config()));
        options.add(systemProperty(VERSION_PROPERTY).value(version));
        options.add(systemProperty(REPOSITORY_PROPERTY).value(repository.toUri().toString()));
        options.add(editConfigurationFilePut("etc/users.properties", HTTP_USER, HTTP_PASSWORD + ",_g_:admingroup"));
        return options.toArray(new Option[0]);
    }

    /** The repository layout Maven deploys to: group/as/folders/artifact/version/artifact-version.zip. */
    private static void publishEcho(Path echo, Path repository, String version) {
        Path folder = repository.resolve(GROUP.replace('.', '/')).resolve("echo").resolve(version);
        try {
            Files.createDirectories(folder);
            try (OutputStream out = Files.newOutputStream(folder.resolve("echo-" + version + ".zip"));
                    ZipOutputStream zip = new ZipOutputStream(out)) {
                for (String name : new String[] {"manifest.json", "plugin.wasm"}) {
                    zip.putNextEntry(new ZipEntry("echo/" + name));
                    zip.write(Files.readAllBytes(echo.resolve(name)));
                    zip.closeEntry();
                }
                // Anything else in the archive is left alone, never unpacked.
                zip.putNextEntry(new ZipEntry("echo/src/lib.rs"));
                zip.write(new byte[1024]);
                zip.closeEntry();
            }
            Files.writeString(folder.resolve("echo-" + version + ".pom"), "<project><modelVersion>4.0.0</modelVersion>"
                    + "<groupId>" + GROUP + "</groupId><artifactId>echo</artifactId><version>" + version
                    + "</version><packaging>zip</packaging></project>");
        } catch (IOException e) {
            throw new UncheckedIOException("could not publish the test plugin into " + repository, e);
        }
    }

    private static String location() {
        return "mvn:" + GROUP + "/echo/" + System.getProperty(VERSION_PROPERTY) + "/zip";
    }

    @Test
    public void loadsAPluginFromAMavenRepositoryAndRunsIt() throws Exception {
        String loaded = loadOnceTheResolverHasTheRepository();
        assertTrue(loaded, loaded.contains("Loaded echo 1.0.0") && loaded.contains(location()));
        assertEquals("hello maven", executeCommand("plugin:execute echo \"hello maven\"").trim());

        PluginInfo info = waitForService(PluginRegistry.class).find("echo").orElseThrow();
        Path unpacked = info.source();
        assertTrue(unpacked.toString(), unpacked.startsWith(Paths.get(System.getProperty("karaf.data"))));
        try (var files = Files.list(unpacked)) {
            assertEquals("only manifest.json and plugin.wasm are taken", 2, files.count());
        }
        AuditRecord fetch = fetchEntry();
        assertTrue(fetch.success());
        assertEquals(location(), fetch.resource());
        assertEquals(unpacked.getFileName().toString(), fetch.details().get("sha256"));

        // The same location again: a reload from the same bytes, unpacked into the same folder.
        String reloaded = executeCommand("plugin:reload echo " + location(), 120_000);
        assertTrue(reloaded, reloaded.contains("Reloaded echo 1.0.0 from " + unpacked));
        executeCommand("plugin:unload echo");
    }

    /** pax-url applies a configuration change on its own thread: the first load may still miss the repository. */
    private String loadOnceTheResolverHasTheRepository() throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (true) {
            try {
                return executeCommand("plugin:load " + location(), 120_000);
            } catch (AssertionError e) {
                if (!e.getMessage().contains("ARTIFACT_UNAVAILABLE") || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** The audit log writes in batches off the caller's thread: the entry shows up within a moment. */
    private AuditRecord fetchEntry() throws InterruptedException {
        AuditLog log = waitForService(AuditLog.class);
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            List<AuditRecord> entries = log.query(new AuditQuery(null, "fetch", false, null, null, 10));
            var success = entries.stream().filter(AuditRecord::success).findFirst();
            if (success.isPresent()) {
                return success.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no fetch entry in the audit log");
    }

    @Test
    public void theHttpApiLoadsAPluginFromAMavenLocation() throws Exception {
        LoopbackHttp http = new LoopbackHttp(System.getProperty(HTTP_PORT_PROPERTY));
        http.awaitStatus("/fluent/api/openapi.json", 401, DEFAULT_TIMEOUT_MILLIS);
        Map<String, String> operator = Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (HTTP_USER + ":" + HTTP_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        String body = "{\"folder\":\"" + location() + "\",\"remember\":false}";
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        HttpResponse<String> load = http.send("POST", "/fluent/api/plugins", operator, body);
        // pax-url takes the repository on its own thread: the first call may come before it.
        while (load.statusCode() != 201 && load.body().contains("ARTIFACT_UNAVAILABLE")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            load = http.send("POST", "/fluent/api/plugins", operator, body);
        }
        assertEquals(load.body(), 201, load.statusCode());
        assertTrue(load.body(), load.body().contains("\"id\":\"echo\""));
        HttpResponse<String> run = http.send("POST", "/fluent/api/plugins/echo/execute", operator,
                "{\"payload\":\"hello over http from maven\"}");
        assertEquals(run.body(), 200, run.statusCode());
        assertTrue(run.body(), run.body().contains("hello over http from maven"));
        assertEquals(204, http.send("DELETE", "/fluent/api/plugins/echo", operator, null).statusCode());
    }

    /**
     * {@code plugin:package} (the shell's twin of {@code fluent-plugin package}) writes the artifact; published into
     * the repository as {@code mvn deploy} would, under a group new on every run, it loads and answers.
     */
    @Test
    public void aPluginPackagedInTheShellLoadsFromTheRepository() throws Exception {
        loadOnceTheResolverHasTheRepository();
        executeCommand("plugin:unload echo");
        String group = GROUP + ".packaged" + System.currentTimeMillis();
        Path output = Files.createTempDirectory("packaged");
        String printed = executeCommand("plugin:package --group " + group + " --output " + output + " "
                + pluginFolder("echo"));
        String location = "mvn:" + group + "/echo/1.0.0/zip";
        assertTrue(printed, printed.contains("Load: plugin:load " + location));

        Path repository = Paths.get(java.net.URI.create(System.getProperty(REPOSITORY_PROPERTY)));
        Path published = Files.createDirectories(repository.resolve(group.replace('.', '/')).resolve("echo/1.0.0"));
        for (String file : List.of("echo-1.0.0.zip", "echo-1.0.0.pom")) {
            Files.copy(output.resolve(file), published.resolve(file));
        }
        String loaded = executeCommand("plugin:load " + location, 120_000);
        assertTrue(loaded, loaded.contains("Loaded echo 1.0.0"));
        assertEquals("packaged", executeCommand("plugin:execute echo packaged").trim());
        executeCommand("plugin:unload echo");
    }

    /**
     * A {@code .mvn} file in the watched folder deploys the artifact it names, as a folder or a zip there would;
     * removing the file unloads the plugin.
     */
    @Test
    public void theWatchedFolderDeploysTheArtifactAMvnFileNames() throws Exception {
        PluginRegistry registry = waitForService(PluginRegistry.class);
        // The resolver takes the test repository on its own thread; the deployer tries a file once per version.
        loadOnceTheResolverHasTheRepository();
        registry.unload("echo");
        Path watched = Files.createDirectories(Paths.get(System.getProperty("karaf.base"), WATCHED_FOLDER));
        Path file = watched.resolve("echo.mvn");
        Files.writeString(file, "# the echo example, from the test's repository\n" + location() + "\n");
        try {
            waitUntil("echo.mvn deployed", () -> registry.find("echo").isPresent());
            PluginInfo info = registry.find("echo").orElseThrow();
            assertTrue(info.source().toString(), info.source().startsWith(Paths.get(System.getProperty("karaf.data"))));
            assertEquals("hello from the watched folder",
                    executeCommand("plugin:execute echo \"hello from the watched folder\"").trim());
        } finally {
            Files.delete(file);
        }
        waitUntil("removing echo.mvn unloads echo", () -> registry.find("echo").isEmpty());
    }

    @Test
    public void anArtifactNoRepositoryHoldsIsRefusedNamingTheSetting() {
        String missing = "mvn:" + GROUP + "/absent/9.9.9/zip";
        AssertionError failure = org.junit.Assert.assertThrows(AssertionError.class,
                () -> executeCommand("plugin:load " + missing, 120_000));
        String text = failure.getMessage();
        assertTrue(text, text.contains("ARTIFACT_UNAVAILABLE: cannot fetch " + missing));
        assertTrue(text, text.contains("etc/org.ops4j.pax.url.mvn.cfg"));
        AssertionError jar = org.junit.Assert.assertThrows(AssertionError.class,
                () -> executeCommand("plugin:load mvn:" + GROUP + "/echo/1.0.0/jar"));
        assertTrue(jar.getMessage(), jar.getMessage().contains("a plugin is published as a zip"));
    }
}

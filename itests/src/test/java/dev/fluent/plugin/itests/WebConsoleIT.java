package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.PluginRegistry;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The web console in a real headless browser (Debian's Chromium, driven by puppeteer-core): an operator is
 * refused with a wrong password, logs in, loads echo from the form and sees it listed, reads its grants,
 * reloads it, filters the audit log, verifies the chain, and unloads it. The browser's steps are
 * {@code src/test/browser/console-test.mjs}; this test starts it against the container and checks that what
 * the page did happened in the platform, audited with the operator as caller. It leaves a screenshot in
 * {@code target/web-console.png}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsoleIT extends PlatformTestSupport {

    private static final String OPERATOR = "console-operator";
    private static final String OPERATOR_PASSWORD = "console-pass-2718";
    private static final String BROWSER_DIR_PROPERTY = "fluent.itests.browser.dir";
    private static final String REQUIRE_PROPERTY = "fluent.itests.require.toolchains";

    @Inject
    private PluginRegistry registry;

    @Inject
    private AuditLog auditLog;

    private final LoopbackHttp http = new LoopbackHttp(System.getProperty(HTTP_PORT_PROPERTY));

    @Configuration
    @Override
    public Option[] config() {
        Path browserDir = Paths.get(System.getProperty("user.dir")).toAbsolutePath().resolve("src/test/browser");
        return OptionUtils.combine(super.config(),
                editConfigurationFilePut("etc/users.properties", OPERATOR, OPERATOR_PASSWORD + ",_g_:admingroup"),
                systemProperty(BROWSER_DIR_PROPERTY).value(browserDir.toString()),
                systemProperty(REQUIRE_PROPERTY).value(
                        String.valueOf("1".equals(System.getenv("FLUENT_REQUIRE_TOOLCHAINS")))));
    }

    @Before
    public void waitForTheConsole() throws Exception {
        http.awaitStatus("/fluent/console/", 200, DEFAULT_TIMEOUT_MILLIS);
    }

    @Test
    public void theConsoleIsServedWithAStrictContentPolicyAndNeedsNoCredentials() throws Exception {
        HttpResponse<String> page = http.send("GET", "/fluent/console/", Map.of(), null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body(), page.body().contains("<script src=\"console.js\""));
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy, policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals(200, http.send("GET", "/fluent/console/console.js", Map.of(), null).statusCode());
        assertEquals(404, http.send("GET", "/fluent/console/nothing.html", Map.of(), null).statusCode());
        HttpResponse<String> folder = http.send("GET", "/fluent/console", Map.of(), null);
        assertEquals("the console without its slash is redirected to it", 302, folder.statusCode());

        // The page's own calls get a challenge that does not open the browser's login dialog over the page.
        HttpResponse<String> scripted = http.send("GET", "/fluent/api/plugins",
                Map.of("X-Requested-With", "XMLHttpRequest"), null);
        assertEquals(401, scripted.statusCode());
        String challenge = scripted.headers().firstValue("WWW-Authenticate").orElse("");
        assertFalse(challenge, challenge.contains("Basic"));
        assertTrue(challenge, challenge.startsWith("Bearer"));
    }

    @Test
    public void anOperatorLogsInLoadsAPluginAndSeesItListedInARealBrowser() throws Exception {
        Path browserDir = Paths.get(System.getProperty(BROWSER_DIR_PROPERTY));
        boolean required = Boolean.getBoolean(REQUIRE_PROPERTY);
        String chromium = chromium();
        if (!required) {
            Assume.assumeTrue("Chromium is not installed (apt-get install chromium)", chromium != null);
            Assume.assumeTrue("node and npm are not installed", onPath("node") && onPath("npm"));
        }
        assertTrue("Chromium is not installed (apt-get install chromium)", chromium != null);
        installPuppeteer(browserDir);

        Path screenshot = browserDir.resolve("../../../target/web-console.png").normalize();
        Path echo = pluginFolder("echo");
        ProcessBuilder node = new ProcessBuilder("node", "console-test.mjs").directory(browserDir.toFile())
                .redirectErrorStream(true);
        node.environment().putAll(Map.of(
                "CONSOLE_URL", http.url("/fluent/console/"),
                "CONSOLE_USER", OPERATOR,
                "CONSOLE_PASSWORD", OPERATOR_PASSWORD,
                "PLUGIN_FOLDER", echo.toString(),
                "PLUGIN_ID", "echo",
                "SCREENSHOT", screenshot.toString(),
                "CHROMIUM", chromium));
        String output = run(node, 180);
        assertTrue("the browser's steps:\n" + output, output.contains("ok   the page ran without script errors"));

        // What the page did happened in the platform, by the operator's hand.
        assertFalse("the page unloaded echo at its end", registry.find("echo").isPresent());
        List<AuditRecord> entries = auditedUnload();
        for (String action : List.of("load", "reload", "unload")) {
            assertTrue("the audit log has echo's " + action + ": " + entries, entries.stream()
                    .anyMatch(e -> e.action().equals(action) && e.success()));
        }
        assertTrue("the HTTP calls are audited with the operator as caller: " + entries, entries.stream()
                .anyMatch(e -> e.action().equals("http") && OPERATOR.equals(e.details().get("caller"))));
        assertTrue("a screenshot was taken", Files.size(screenshot) > 10_000);
    }

    /** echo's audit entries once the unload is among them (the audit log is written on a thread of its own). */
    private List<AuditRecord> auditedUnload() throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        List<AuditRecord> entries;
        do {
            entries = auditLog.query(AuditQuery.builder().pluginId("echo").limit(200).build());
            if (entries.stream().anyMatch(e -> e.action().equals("unload"))) {
                break;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return entries;
    }

    /** {@code npm ci} of the pinned puppeteer-core once per build (it brings no browser of its own). */
    private static void installPuppeteer(Path browserDir) throws Exception {
        if (Files.isDirectory(browserDir.resolve("node_modules/puppeteer-core"))) {
            return;
        }
        String output = run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                .directory(browserDir.toFile()).redirectErrorStream(true), 300);
        assertTrue("npm ci failed:\n" + output, Files.isDirectory(browserDir.resolve("node_modules/puppeteer-core")));
    }

    private static String run(ProcessBuilder builder, int timeoutSeconds) throws IOException, InterruptedException {
        File log = File.createTempFile("console-test", ".log");
        try {
            Process process = builder.redirectOutput(log).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", builder.command()) + " did not finish within "
                        + timeoutSeconds + " s:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
            }
            String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            assertEquals(String.join(" ", builder.command()) + " failed:\n" + output, 0, process.exitValue());
            return output;
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

    private static String chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}

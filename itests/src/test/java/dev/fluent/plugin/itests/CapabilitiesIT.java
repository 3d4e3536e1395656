package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.MetricSnapshot;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.PluginMetrics;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.PolicyService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The capability providers in the real distribution: the openai-engine example against an
 * OpenAI-compatible stub on 127.0.0.1, and every containment case of the capabilities issue, each failing
 * its execution only, with its error code, its message and its audit entry. Plugins loaded here are copies
 * of the examples with test hosts in their manifests (unsigned: the container runs in development mode).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CapabilitiesIT extends PlatformTestSupport {

    private static final String POLICY_PID = "dev.fluent.plugin";
    private static final String CONFIG_FACTORY_PID = "dev.fluent.plugin.host.config";
    private static final String ENVIRONMENT_PID = "dev.fluent.plugin.host.environment";
    private static final String API_KEY = "sk-itest-0123456789";
    /** The probe with loopback allowed by the policy, and the one without. */
    private static final String OPEN = "probe-open";
    private static final String CLOSED = "probe-closed";

    /** Lives in the container for the whole class (one container per class). */
    private static HttpStub stub;

    /** Kept for the whole test: Config Admin is a service factory, and a released instance is unusable. */
    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private AuditLog auditLog;

    @Inject
    private PluginRegistry registry;

    @Before
    public void setUp() throws Exception {
        synchronized (CapabilitiesIT.class) {
            if (stub == null) {
                stub = new HttpStub(Map.of(
                        "/v1/chat/completions", CapabilitiesIT::chatCompletion,
                        "/hello", r -> HttpStub.Response.text(200, "hi"),
                        "/to-metadata", r -> HttpStub.Response.redirect("http://169.254.169.254/latest/meta-data")));
            }
        }
        updateConfiguration(POLICY_PID, Map.of("allow_loopback.openai-engine", "true", "allow_loopback." + OPEN, "true"));
        updateConfiguration(ENVIRONMENT_PID, Map.of(OPEN, "PATH"));
        Configuration engine = configurationAdmin.getFactoryConfiguration(CONFIG_FACTORY_PID, "openai-engine", "?");
        Dictionary<String, Object> settings = new Hashtable<>();
        settings.put("plugin.id", "openai-engine");
        settings.put("api_key", API_KEY);
        settings.put("endpoint", stub.base() + "/v1/chat/completions");
        settings.put("model", "stub-model");
        engine.update(settings);
    }

    /** The OpenAI-compatible stub: echoes the user's message, checks the key. */
    private static HttpStub.Response chatCompletion(HttpStub.Request request) {
        if (!("Bearer " + API_KEY).equals(request.header("Authorization"))) {
            return HttpStub.Response.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\","
                    + "\"type\":\"invalid_request_error\"}}");
        }
        Matcher user = Pattern.compile("\"role\":\"user\",\"content\":\"([^\"]*)\"").matcher(request.text());
        if (!request.method().equals("POST") || !user.find() || !request.text().contains("\"model\":\"stub-model\"")) {
            return HttpStub.Response.json(400, "{\"error\":{\"message\":\"bad request: " + request.text().length() + "\"}}");
        }
        return HttpStub.Response.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                + "\"model\":\"stub-model-2024\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Echo: " + user.group(1) + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}");
    }

    // ------------------------------------------------------------------------------- the example engine

    @Test
    public void theOpenAiEngineAnswersThroughTheStub() throws Exception {
        ensureLoaded("openai-engine", () -> copy("openai-engine", "openai-engine",
                "\"http://127.0.0.1:" + stub.port() + "\""));
        EngineResponse response = eventually(() -> registry.execute("openai-engine", EngineRequest.of("Hello there")));
        assertEquals("Echo: Hello there", response.content());
        assertEquals("stub-model-2024", response.model());
        assertEquals("stop", response.finishReason());
        assertEquals(7, response.usage().promptTokens());
        assertEquals(5, response.usage().completionTokens());
        assertEquals(12, response.usage().totalTokens());

        AuditRecord sent = audited("openai-engine", "http_request", false).get(0);
        assertEquals("POST " + stub.base() + "/v1/chat/completions", sent.resource());
        assertEquals("200", sent.details().get("status"));
        AuditRecord key = audited("openai-engine", "config_get", false).get(0);
        assertFalse("a configuration value never reaches the audit", key.toString().contains(API_KEY));
    }

    /**
     * The operator's settings reach a configuration provider that starts again (as after a restart of the
     * container) without the .cfg being touched: the engine still sends its api_key.
     */
    @Test
    public void theOperatorsSettingsReachTheConfigurationProviderAfterItRestarts() throws Exception {
        ensureLoaded("openai-engine", () -> copy("openai-engine", "openai-engine",
                "\"http://127.0.0.1:" + stub.port() + "\""));
        assertEquals("Echo: before", eventually(() -> registry.execute("openai-engine", EngineRequest.of("before")))
                .content());
        Bundle config = platformBundles().get("dev.fluent.plugin.host.config");
        config.stop();
        config.start();
        assertEquals("Echo: after", eventually(() -> registry.execute("openai-engine", EngineRequest.of("after")))
                .content());
    }

    // ---------------------------------------------------------------------------- bad host call arguments

    @Test
    public void aHostCallWithAnOutOfBoundsPointerFailsThatExecutionOnly() throws Exception {
        ensureLoaded("hostile-host-wild-pointer", () -> pluginFolder("hostile/host-wild-pointer"));
        PluginException e = failure("hostile-host-wild-pointer", "x", ErrorCode.BAD_HOST_CALL);
        assertTrue(e.getMessage(), e.getMessage().contains("outside the plugin's memory"));
        assertAudited("hostile-host-wild-pointer", "execute", ErrorCode.BAD_HOST_CALL);
        failure("hostile-host-wild-pointer", "again", ErrorCode.BAD_HOST_CALL);
        assertServing();
    }

    @Test
    public void aHostCallWithALengthOfTwoGibFailsThatExecutionOnly() throws Exception {
        ensureLoaded("hostile-host-huge-length", () -> pluginFolder("hostile/host-huge-length"));
        PluginException e = failure("hostile-host-huge-length", "x", ErrorCode.BAD_HOST_CALL);
        assertTrue(e.getMessage(), e.getMessage().contains("2147483648 bytes"));
        assertAudited("hostile-host-huge-length", "execute", ErrorCode.BAD_HOST_CALL);
        assertServing();
    }

    // ------------------------------------------------------------------------------------------ network

    @Test
    public void networkToAHostNotAllowedIsDenied() throws Exception {
        loadProbes();
        PluginException e = failure(OPEN, http("https://example.org/"), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("is not in plugin probe-open's allowed_hosts"));
        assertAudited(OPEN, "http_request", ErrorCode.ACCESS_DENIED);
        assertServing();
    }

    @Test
    public void networkToLoopbackMetadataAndPrivateAddressesIsDeniedUnlessAllowed() throws Exception {
        loadProbes();
        PluginException e = failure(CLOSED, http(stub.base() + "/hello"), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("127.0.0.1 is a loopback address"));
        e = failure(OPEN, http("http://169.254.169.254/latest/meta-data"), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("link-local"));
        e = failure(OPEN, http("http://10.0.0.1/"), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("a private address"));
        assertAudited(CLOSED, "http_request", ErrorCode.ACCESS_DENIED);
        assertAudited(OPEN, "http_request", ErrorCode.ACCESS_DENIED);
        assertEquals("the policy allows it", "200 hi", eventually(() -> run(OPEN, http(stub.base() + "/hello"))));
    }

    @Test
    public void aRedirectFromAnAllowedHostToADisallowedOneIsDenied() throws Exception {
        loadProbes();
        PluginException e = failure(OPEN, http(stub.base() + "/to-metadata"), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("redirected from " + stub.base() + "/to-metadata"));
        assertAudited(OPEN, "http_request", ErrorCode.ACCESS_DENIED);
    }

    @Test
    public void aNameThatResolvesToLoopbackIsDenied() throws Exception {
        loadProbes();
        PluginException e = failure(CLOSED, http("http://localhost:" + stub.port() + "/hello"), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("localhost resolves to 127.0.0.1, a loopback address")
                || e.getMessage().contains("localhost resolves to 0:0:0:0:0:0:0:1, a loopback address"));
        assertAudited(CLOSED, "http_request", ErrorCode.ACCESS_DENIED);
    }

    @Test
    public void moreNetworkRequestsThanAllowedInOneExecutionFail() throws Exception {
        loadProbes();
        String five = "{\"op\":\"requests\",\"url\":\"" + stub.base() + "/hello\",\"count\":5}";
        PluginException e = failure(OPEN, five, ErrorCode.LIMIT_EXCEEDED);
        assertTrue(e.getMessage(), e.getMessage().contains("max_network_requests=3"));
        assertAudited(OPEN, "http_request", ErrorCode.LIMIT_EXCEEDED);
        String three = "{\"op\":\"requests\",\"url\":\"" + stub.base() + "/hello\",\"count\":3}";
        assertEquals("the next execution has its own budget", "3 requests answered", eventually(() -> run(OPEN, three)));
    }

    // -------------------------------------------------------------------------------------- file system

    @Test
    public void filePathsAreConfinedToTheAllowedFolder() throws Exception {
        ensureLoaded("file-summary", () -> pluginFolder("file-summary"));
        Path data = Path.of(System.getProperty("karaf.data"), "fluent-plugin", "plugin-data", "file-summary");
        Path docs = Files.createDirectories(data.resolve("docs"));
        Path outside = Files.createDirectories(Path.of(System.getProperty("karaf.data"), "itest-outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(docs.resolve("notes.txt"), "Release notes\nall good\n");
        Files.write(docs.resolve("big.txt"), new byte[2 * 1024 * 1024]);
        Path link = docs.resolve("escape");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, outside);
        }

        assertEquals("docs/notes.txt: 23 bytes, 2 lines, 4 words; first line: Release notes",
                run("file-summary", "docs/notes.txt"));
        PluginException e = failure("file-summary", "docs/../../../itest-outside/secret.txt", ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("'..'"));
        e = failure("file-summary", outside.resolve("secret.txt").toString(), ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("outside plugin file-summary's allowed_file_paths"));
        e = failure("file-summary", "docs/escape/secret.txt", ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("symbolic link"));
        e = failure("file-summary", "docs/big.txt", ErrorCode.LIMIT_EXCEEDED);
        assertTrue(e.getMessage(), e.getMessage().contains("max_file_size_mb=1"));
        assertAudited("file-summary", "fs_read", ErrorCode.ACCESS_DENIED);
        assertAudited("file-summary", "fs_read", ErrorCode.LIMIT_EXCEEDED);
        assertEquals("still served", "docs/notes.txt", run("file-summary", "docs/notes.txt").split(":")[0]);
    }

    // ------------------------------------------------------------------------- environment, rate, floods

    @Test
    public void onlyExposedEnvironmentVariablesCanBeRead() throws Exception {
        loadProbes();
        assertEquals(System.getenv("PATH"), eventually(() -> run(OPEN, "{\"op\":\"env\",\"name\":\"PATH\"}")));
        PluginException e = failure(OPEN, "{\"op\":\"env\",\"name\":\"HOME\"}", ErrorCode.ACCESS_DENIED);
        assertTrue(e.getMessage(), e.getMessage().contains("HOME is not exposed to plugin probe-open"));
        failure(CLOSED, "{\"op\":\"env\",\"name\":\"PATH\"}", ErrorCode.ACCESS_DENIED);
        assertAudited(OPEN, "env_get", ErrorCode.ACCESS_DENIED);
    }

    @Test
    public void executionsBeyondTheRateAreRateLimited() throws Exception {
        ensureLoaded("rate-echo", () -> {
            Path folder = copy("echo", "rate-echo", null);
            edit(folder, json -> json.replaceFirst("\"rate_limit_requests_per_minute\": \\d+",
                    "\"rate_limit_requests_per_minute\": 2"));
            return folder;
        });
        int passed = 0;
        PluginException limited = null;
        for (int i = 0; i < 3 && limited == null; i++) {
            try {
                registry.execute("rate-echo", EngineRequest.of("x"));
                passed++;
            } catch (PluginException e) {
                limited = e;
            }
        }
        assertTrue("at most 2 pass", passed <= 2);
        assertEquals(ErrorCode.RATE_LIMITED, limited.code());
        assertTrue(limited.getMessage(), limited.getMessage().startsWith("rate limited: plugin rate-echo may run 2 times"));
        assertAudited("rate-echo", "execute", ErrorCode.RATE_LIMITED);
    }

    @Test
    public void aLogFloodEndsThatExecution() throws Exception {
        loadProbes();
        PluginException e = failure(OPEN, "{\"op\":\"log_flood\"}", ErrorCode.LIMIT_EXCEEDED);
        assertTrue(e.getMessage(), e.getMessage().startsWith("log flood"));
        assertAudited(OPEN, "log", ErrorCode.LIMIT_EXCEEDED);
        assertServing();
    }

    @Test
    public void aCacheFloodEndsThatExecutionAndTheCacheStaysBounded() throws Exception {
        loadProbes();
        PluginException e = failure(OPEN, "{\"op\":\"cache_flood\"}", ErrorCode.LIMIT_EXCEEDED);
        assertTrue(e.getMessage(), e.getMessage().startsWith("cache flood"));
        assertAudited(OPEN, "cache_put", ErrorCode.LIMIT_EXCEEDED);
    }

    // --------------------------------------------------------------------- cache, metrics and hot swap

    @Test
    public void kvCounterCountsRecordsMetricsAndSurvivesItsProviderRestarting() throws Exception {
        ensureLoaded("kv-counter", () -> pluginFolder("kv-counter"));
        int first = Integer.parseInt(run("kv-counter", "hits"));
        assertEquals(Integer.toString(first + 1), run("kv-counter", "hits"));
        List<MetricSnapshot> metrics = waitForService(PluginMetrics.class).metrics("kv-counter");
        assertTrue(metrics.toString(), metrics.stream().anyMatch(m -> m.name().equals("kv_counter.increments")
                && m.kind() == MetricSnapshot.Kind.COUNTER && m.value() >= 2));
        String stats = executeCommand("plugin:stats kv-counter");
        assertTrue(stats, stats.contains("kv_counter.increments") && stats.contains("kv_counter.last_count"));

        Bundle cache = platformBundles().get("dev.fluent.plugin.host.cache");
        cache.stop();
        try {
            PluginException e = failure("kv-counter", "hits", ErrorCode.CAPABILITY_UNAVAILABLE);
            assertTrue(e.getMessage(), e.getMessage().startsWith("capability CacheAccess unavailable"));
            assertFalse(audit("kv-counter", "suspend", false).isEmpty());
        } finally {
            cache.start();
        }
        assertEquals("resumed, without a reload, on a fresh cache", "1", eventually(() -> run("kv-counter", "other")));
        assertFalse(audit("kv-counter", "resume", false).isEmpty());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private interface Attempt<T> {
        T get() throws Exception;
    }

    private interface PathSupplier {
        Path get() throws Exception;
    }

    private static String http(String url) {
        return "{\"op\":\"http\",\"url\":\"" + url + "\"}";
    }

    private String run(String plugin, String payload) throws PluginException {
        return registry.execute(plugin, EngineRequest.of(payload)).content();
    }

    /**
     * Runs an execution that must fail with {@code code}. Tried again for a while when it fails otherwise, so a
     * configuration the test just wrote has time to arrive.
     */
    private PluginException failure(String plugin, String payload, ErrorCode code) throws Exception {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (true) {
            try {
                String content = run(plugin, payload);
                if (System.currentTimeMillis() > deadline) {
                    fail(plugin + " should have failed with " + code + " but answered " + content);
                }
            } catch (PluginException e) {
                if (e.code() == code) {
                    return e;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(plugin + " should have failed with " + code + " but failed with " + e);
                }
            }
            Thread.sleep(200);
        }
    }

    private static <T> T eventually(Attempt<T> attempt) throws Exception {
        long deadline = System.currentTimeMillis() + DEFAULT_TIMEOUT_MILLIS;
        while (true) {
            try {
                return attempt.get();
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** The plugin's audit entries of one action, newest first. */
    private List<AuditRecord> audit(String plugin, String action, boolean failedOnly) {
        return auditLog.query(AuditQuery.builder().pluginId(plugin).action(action).failedOnly(failedOnly).limit(50).build());
    }

    private List<AuditRecord> audited(String plugin, String action, boolean failedOnly) throws Exception {
        waitUntil(plugin + " " + action + " audited", () -> !audit(plugin, action, failedOnly).isEmpty());
        return audit(plugin, action, failedOnly);
    }

    private void assertAudited(String plugin, String action, ErrorCode code) throws Exception {
        waitUntil(plugin + " " + action + " audited with " + code, () -> audit(plugin, action, true).stream()
                .anyMatch(r -> code.name().equals(r.details().get("code"))));
    }

    /** The platform keeps serving: the echo example answers. */
    private void assertServing() throws Exception {
        ensureLoaded("echo", () -> pluginFolder("echo"));
        assertEquals("still here", run("echo", "still here"));
    }

    private void ensureLoaded(String id, PathSupplier folder) throws Exception {
        synchronized (CapabilitiesIT.class) {
            if (registry.find(id).isEmpty()) {
                registry.load(folder.get());
            }
        }
    }

    /** The two probes: the same module under two names, loopback allowed for one of them only. */
    private void loadProbes() throws Exception {
        String hosts = "\"http://127.0.0.1:" + stub.port() + "\", \"http://localhost:" + stub.port()
                + "\", \"http://169.254.169.254\", \"http://10.0.0.1\"";
        ensureLoaded(OPEN, () -> copy("hostile/capability-probe", OPEN, hosts));
        ensureLoaded(CLOSED, () -> copy("hostile/capability-probe", CLOSED, hosts));
    }

    /**
     * A copy of an example under another name, with other {@code allowed_hosts} (when not {@code null}) and
     * no signature.
     */
    // ------------------------------------------------------------------------------- the policy service

    /**
     * A governance policy from another bundle (this test's own bundle registers it), consulted beside the
     * built-in one while it is registered: it refuses one plugin at load and, while closed, every execution of
     * another; each refusal names it and is audited with its reason. Once it is gone, only the built-in policy
     * is consulted again, with no restart.
     */
    @Test
    public void aPolicyServiceFromAnotherBundleIsConsultedBesideTheBuiltInOneAtLoadAndEachExecution()
            throws Exception {
        PolicyService builtIn = bundleContext.getService(bundleContext.getServiceReference(PolicyService.class));
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        PolicyService governance = new PolicyService() {
            @Override
            public Grant grant(PluginManifest manifest) {
                return builtIn.grant(manifest);
            }

            @Override
            public void check(PluginManifest manifest) throws PluginException {
                if (manifest.name().equals("policy-probe")) {
                    throw new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "its signer is not listed");
                }
            }

            @Override
            public void checkExecution(PluginManifest manifest) throws PluginException {
                if (!open.get()) {
                    throw new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "outside opening hours");
                }
            }

            @Override
            public String name() {
                return "integration-test governance";
            }
        };
        Path refused = copy("echo", "policy-probe", null);
        Path allowed = copy("echo", "policy-hours", null);
        Dictionary<String, Object> ranking = new Hashtable<>();
        ranking.put(org.osgi.framework.Constants.SERVICE_RANKING, 100);
        ServiceRegistration<PolicyService> registration =
                bundleContext.registerService(PolicyService.class, governance, ranking);
        try {
            PluginException e = assertThrows(PluginException.class, () -> registry.load(refused, false));
            assertEquals(ErrorCode.POLICY_REFUSED, e.code());
            assertEquals("refused by policy 'integration-test governance': its signer is not listed", e.getMessage());
            waitUntil("the load refusal audited", () -> audit("policy-probe", "load", true).stream()
                    .anyMatch(r -> r.error().contains("its signer is not listed")));

            registry.load(allowed, false);
            assertEquals("open", registry.execute("policy-hours", EngineRequest.of("open")).content());
            open.set(false);
            PluginException closed = assertThrows(PluginException.class,
                    () -> registry.execute("policy-hours", EngineRequest.of("closed")));
            assertEquals(ErrorCode.POLICY_REFUSED, closed.code());
            assertTrue(closed.getMessage(), closed.getMessage().contains("'integration-test governance'"));
            waitUntil("the execution refusal audited", () -> audit("policy-hours", "execute", true).stream()
                    .anyMatch(r -> r.error().contains("outside opening hours")));
        } finally {
            registration.unregister();
        }
        assertEquals("after", registry.execute("policy-hours", EngineRequest.of("after")).content());
        registry.load(refused, false);
        try {
            assertEquals("after", registry.execute("policy-probe", EngineRequest.of("after")).content());
        } finally {
            registry.unload("policy-probe");
            registry.unload("policy-hours");
        }
    }

    private Path copy(String example, String name, String allowedHosts) throws IOException {
        Path folder = Files.createTempDirectory("capabilities-it").resolve(name);
        Files.createDirectories(folder);
        Files.copy(pluginFolder(example).resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        Files.copy(pluginFolder(example).resolve("manifest.json"), folder.resolve("manifest.json"));
        edit(folder, json -> {
            String edited = json.replaceFirst("\"name\": \"[^\"]*\"", "\"name\": \"" + name + "\"")
                    .replaceFirst("\\n\\s*\"signature\": \"[^\"]*\",", "");
            return allowedHosts == null ? edited
                    : edited.replaceFirst("\"allowed_hosts\": \\[[^\\]]*\\]", "\"allowed_hosts\": [" + allowedHosts + "]");
        });
        return folder;
    }

    private static void edit(Path folder, Function<String, String> change) throws IOException {
        Path manifest = folder.resolve("manifest.json");
        Files.writeString(manifest, change.apply(Files.readString(manifest, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** Sets keys of a configuration in its file, keeping the others (development.mode of the policy, for one). */
    private void updateConfiguration(String pid, Map<String, String> values) throws Exception {
        ConfigurationFiles.set(configurationAdmin, pid, values);
    }

    // ------------------------------------------------------------------- file attacks, in the container

    /**
     * A FIFO where file-summary expects a file: the execution fails at once with ACCESS_DENIED naming it, far
     * inside the plugin's 5 s deadline, instead of waiting for a writer; and a folder swapped for a link to the
     * outside by a racing thread while the plugin reads beneath it never lets it read outside.
     */
    @Test
    public void aFifoFailsAtOnceAndAFolderSwappedForALinkNeverLeadsOutside() throws Exception {
        ensureLoaded("file-summary", () -> pluginFolder("file-summary"));
        Path data = Path.of(System.getProperty("karaf.data"), "fluent-plugin", "plugin-data", "file-summary");
        Path docs = Files.createDirectories(data.resolve("docs"));
        Path fifo = docs.resolve("pipe");
        if (!Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Process mkfifo;
            try {
                mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                org.junit.Assume.assumeNoException("mkfifo is not available", e);
                return;
            }
            org.junit.Assume.assumeTrue("mkfifo failed", mkfifo.waitFor() == 0);
        }
        long start = System.nanoTime();
        PluginException e;
        try {
            e = assertThrows(PluginException.class, () -> run("file-summary", "docs/pipe"));
        } finally {
            // Left behind, the FIFO would block whatever opens it next: the container's clean-up among others.
            Files.delete(fifo);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(e.getMessage(), ErrorCode.ACCESS_DENIED, e.code());
        assertTrue(e.getMessage(), e.getMessage().contains("'docs/pipe' is a FIFO, not a regular file"));
        assertTrue("took " + ms + " ms against a deadline of 5000 ms", ms < 2000);
        assertAudited("file-summary", "fs_read", ErrorCode.ACCESS_DENIED);

        Path outside = Files.createDirectories(Path.of(System.getProperty("karaf.data"), "itest-race-outside"));
        Files.writeString(outside.resolve("passwd"), "root:x:0:0:SECRET");
        Path folder = Files.createDirectories(docs.resolve("sub.folder"));
        Files.writeString(folder.resolve("passwd"), "inside");
        Path link = docs.resolve("sub.link");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, outside);
        }
        Path sub = docs.resolve("sub");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread racer = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.move(folder, sub, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    Files.move(sub, folder, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, sub, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    Files.move(sub, link, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException failed) {
                    throw new IllegalStateException(failed);
                }
            }
        }, "itest-link-racer");
        int inside = 0;
        int denied = 0;
        int other = 0;
        racer.start();
        try {
            long end = System.nanoTime() + 2_000_000_000L;
            for (int i = 0; i < 250 && System.nanoTime() < end; i++) {
                try {
                    String answer = run("file-summary", "docs/sub/passwd");
                    assertFalse("read outside its allowed folder: " + answer, answer.contains("SECRET"));
                    inside++;
                } catch (PluginException refused) {
                    assertFalse(refused.getMessage(), refused.getMessage().contains("SECRET"));
                    if (refused.code() == ErrorCode.ACCESS_DENIED) {
                        assertTrue(refused.getMessage(), refused.getMessage().contains("symbolic link ('sub')"));
                        denied++;
                    } else {
                        other++;
                    }
                }
            }
        } finally {
            stop.set(true);
            racer.join(10_000);
        }
        assertTrue("inside=" + inside + " denied=" + denied + " other=" + other, inside + denied > 0);
        assertServing();
    }
}

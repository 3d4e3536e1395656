package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.api.inspect.SandboxCall;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.ProjectLanguage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C plugins on pdk/c, through the platform's runtime: a project made by create --language c, built by its own
 * build.sh with clang, passes every load check and answers; the committed examples/c-echo decodes and encodes
 * text the way the host does (escapes, non-ASCII, empty and error answers) and calls the host.
 */
class CProjectBuildTest {

    @TempDir
    Path dir;

    private static boolean clangForWasm() {
        Toolchains.Result clang = Toolchains.run(Path.of("."), Map.of(), "clang", "--version");
        return clang.status() == 0 && (Files.isRegularFile(Path.of("/usr/include/wasm32-wasi/stdlib.h"))
                || Files.isRegularFile(Path.of("/usr/share/wasi-sysroot/include/stdlib.h")));
    }

    @Test
    void createWritesACProjectOnTheCPdk() throws Exception {
        Path project = Plugins.devtools(true).create(new NewProject("c-tool", "summarize",
                Set.of(Capability.LOGGING_ACCESS, Capability.NETWORK_ACCESS), dir, "me", ProjectLanguage.C));
        for (String file : List.of("src/plugin.c", "src/test.c", "pdk/fluent_plugin.h", "pdk/fluent_plugin.c",
                "pdk/fluent_fakes.h", "pdk/fluent_fakes.c", "build.sh", "manifest.json", "README.md")) {
            assertTrue(Files.isRegularFile(project.resolve(file)), file);
        }
        assertFalse(Files.exists(project.resolve("Cargo.toml")));
        String source = Files.readString(project.resolve("src/plugin.c"));
        assertTrue(source.contains("fluent_log(FLUENT_INFO, \"request received\");"), source);
        assertTrue(source.contains("/* NetworkAccess: see pdk/fluent_plugin.h (fluent_http_request_send"), source);
        assertTrue(Files.isExecutable(project.resolve("build.sh")));
    }

    @Test
    void buildsWithClangAndAnswersInTheSandbox() throws Exception {
        Toolchains.need(clangForWasm(), "no clang with wasi-libc for wasm32-wasi (Debian: clang, lld, wasi-libc,"
                + " libclang-rt-dev-wasm32)");
        Path project = Plugins.devtools(true).create(new NewProject("c-tool", "summarize",
                Set.of(Capability.LOGGING_ACCESS, Capability.METRICS_ACCESS), dir, "me", ProjectLanguage.C));
        String built = Toolchains.build(project, Map.of());
        assertTrue(built.contains("built plugin.wasm with clang for wasm32-wasi"), built);
        Inspection inspection = Plugins.devtools(true).validate(project);
        assertTrue(inspection.loads(), inspection.problems().toString());
        assertTrue(inspection.module().imports().contains("fluent.log"), inspection.module().imports()::toString);
        try (Sandbox sandbox = Plugins.inspector(true).sandbox(project, true)) {
            EngineResponse response = sandbox.execute(new EngineRequest("test", "hello from C"));
            assertEquals("hello from C", response.content());
            assertEquals(3, response.usage().promptTokens());
            assertEquals("c-tool", response.model());
            List<String> calls = sandbox.hostCalls().stream().map(SandboxCall::function).toList();
            assertEquals(List.of("log", "metric"), calls);
        }
    }

    @Test
    void theGeneratedNativeTestsRunOnTheHostFakesAndFailWhenThePluginMisbehaves() throws Exception {
        Toolchains.need(List.of("cc", "gcc", "clang").stream()
                .anyMatch(cc -> Toolchains.run(Path.of("."), Map.of(), cc, "--version").status() == 0),
                "no C compiler for this machine (Debian: gcc)");
        Path project = Plugins.devtools(true).create(new NewProject("c-tool", "summarize",
                Set.of(Capability.LOGGING_ACCESS, Capability.METRICS_ACCESS), dir, "me", ProjectLanguage.C));
        Toolchains.Result passed = Toolchains.buildScript(project, Map.of(), "test");
        assertEquals(0, passed.status(), passed.output());
        assertTrue(passed.output().contains("ok: 4 tests, 0 failed expectations"), passed.output());

        // The fakes record what the plugin did: a plugin that logs at another level fails its test.
        Path source = project.resolve("src/plugin.c");
        Files.writeString(source, Files.readString(source).replace("fluent_log(FLUENT_INFO,", "fluent_log(FLUENT_WARN,"));
        Toolchains.Result failed = Toolchains.buildScript(project, Map.of(), "test");
        assertEquals(1, failed.status(), failed.output());
        assertTrue(failed.output().contains("expected level == FLUENT_INFO"), failed.output());
        assertTrue(failed.output().contains("FAILED: 4 tests, 1 failed expectation"), failed.output());
    }

    @Test
    void theCExampleRoundTripsTextAndAnswersErrorsWithItsCode() throws Exception {
        Path example = Plugins.copy("c-echo", dir.resolve("c-echo"));
        try (Sandbox sandbox = Plugins.inspector(true).sandbox(example, true)) {
            String text = "quote \" backslash \\ tab \t newline \n control \u0001 é 😀 \u2028 end";
            EngineResponse response = sandbox.execute(new EngineRequest("flow", text));
            assertEquals(text, response.content());
            assertEquals("c-echo", response.model());
            assertEquals("stop", response.finishReason());
            assertEquals(12, response.usage().promptTokens());
            assertEquals(24, response.usage().totalTokens());
            assertEquals(0.0, response.cost().totalCost());

            PluginException empty = assertThrows(PluginException.class,
                    () -> sandbox.execute(new EngineRequest("flow", "")));
            assertEquals(ErrorCode.PLUGIN_ERROR, empty.code());
            assertTrue(empty.getMessage().contains("EMPTY_PAYLOAD"), empty::getMessage);

            String large = "x".repeat(2 * 1024 * 1024);
            assertEquals(large, sandbox.execute(new EngineRequest("flow", large)).content());
            assertTrue(sandbox.hostCalls().stream().anyMatch(c -> c.function().equals("log")
                    && c.argument().startsWith("info, ")), sandbox.hostCalls()::toString);
        }
    }
}

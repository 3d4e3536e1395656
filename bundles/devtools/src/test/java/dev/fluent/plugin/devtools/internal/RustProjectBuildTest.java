package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.api.inspect.Sandbox;
import dev.fluent.plugin.devtools.NewProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project made by create, built and unit-tested by its own build.sh as an author would: with rustc alone
 * (Debian's, what CI has), and with cargo when cargo is on PATH. The module it builds passes every load check
 * and answers in the sandbox.
 */
class RustProjectBuildTest {

    @TempDir
    Path dir;

    private Path create() throws Exception {
        return Plugins.devtools(true).create(new NewProject("built-here", "summarize",
                Set.of(Capability.LOGGING_ACCESS, Capability.METRICS_ACCESS), dir, "me"));
    }

    @Test
    void theProjectIsACargoPackageWithThePdkAsAPathDependency() throws Exception {
        Path project = create();
        String cargo = Files.readString(project.resolve("Cargo.toml"));
        assertTrue(cargo.contains("name = \"built_here\""), cargo);
        assertTrue(cargo.contains("fluent_pdk = { path = \"pdk\" }"), cargo);
        assertTrue(cargo.contains("crate-type = [\"cdylib\"]"), cargo);
        String pdk = Files.readString(project.resolve("pdk/Cargo.toml"));
        assertTrue(pdk.contains("name = \"fluent_pdk\""), pdk);
        // The project is the workspace; a second root in pdk/ would make cargo refuse to build.
        assertFalse(pdk.lines().anyMatch(l -> l.strip().equals("[workspace]")), pdk);
    }

    @Test
    void buildsAndTestsWithRustcAlone() throws Exception {
        Toolchains.need(Toolchains.debianRustc(), "no rustc with the wasm32-wasi standard library"
                + " (Debian: rustc, libstd-rust-dev-wasm32, lld-14)");
        Path project = create();
        Map<String, String> rustc = Map.of("FLUENT_BUILD", "rustc");
        // Its own two tests, and one per host call it makes (a log line, a counter), served by the PDK's fakes.
        String tests = Toolchains.build(project, rustc, "test");
        assertTrue(tests.contains("test result: ok. 4 passed"), tests);
        Path plain = Plugins.devtools(true).create(new NewProject("no-calls", "echo", Set.of(), dir, ""));
        String plainTests = Toolchains.build(plain, rustc, "test");
        assertTrue(plainTests.contains("test result: ok. 3 passed"), plainTests);
        String built = Toolchains.build(project, rustc);
        assertTrue(built.contains("built plugin.wasm with rustc for wasm32-wasi"), built);
        assertLoadsAndAnswers(project);
    }

    @Test
    void buildsAndTestsWithCargo() throws Exception {
        Toolchains.optional(Toolchains.onPath("cargo") != null, "cargo is not on PATH: the cargo path of build.sh is"
                + " not tested here");
        Path project = create();
        Map<String, String> cargo = Map.of("FLUENT_BUILD", "cargo");
        String tests = Toolchains.build(project, cargo, "test");
        assertTrue(tests.contains("test result: ok. 4 passed"), tests);
        String target = Toolchains.cargoWasmTarget();
        if (target == null) {
            // Unit tests need only the host's standard library; the module needs a WebAssembly one.
            Toolchains.Result refused = Toolchains.buildScript(project, cargo);
            assertNotEquals(0, refused.status(), refused.output());
            assertTrue(refused.output().contains("rustup target add wasm32-wasip1"), refused.output());
            Toolchains.optional(false, "cargo's rustc has no WebAssembly standard library (rustup target add"
                    + " wasm32-wasip1): the cargo build of plugin.wasm is not tested here");
        }
        String built = Toolchains.build(project, cargo);
        assertTrue(built.contains("built plugin.wasm with cargo for " + target), built);
        assertLoadsAndAnswers(project);
    }

    @Test
    void saysWhatToInstallWhenNoToolchainBuildsWebAssembly() throws Exception {
        Path project = create();
        Toolchains.Result result = Toolchains.buildScript(project,
                Map.of("FLUENT_BUILD", "rustc", "RUSTC", dir.resolve("no-such-rustc").toString()));
        assertEquals(1, result.status(), result.output());
        assertTrue(result.output().contains("no Rust toolchain here builds WebAssembly"), result.output());
        assertTrue(result.output().contains("rustup target add wasm32-wasip1"), result.output());
        assertTrue(result.output().contains("apt-get install rustc libstd-rust-dev-wasm32 lld-14"), result.output());
        assertFalse(Files.exists(project.resolve("plugin.wasm")));
    }

    private static void assertLoadsAndAnswers(Path project) throws Exception {
        byte[] wasm = Files.readAllBytes(project.resolve("plugin.wasm"));
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
        assertTrue(Files.readString(project.resolve("manifest.json")).contains("\"checksum\": \"" + sum + "\""));
        Inspection inspection = Plugins.devtools(true).validate(project);
        assertTrue(inspection.loads(), inspection.problems().toString());
        try (Sandbox sandbox = Plugins.inspector(true).sandbox(project, true)) {
            assertEquals("hello build", sandbox.execute(new EngineRequest("test", "hello build")).content());
        }
    }
}

package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The plugin toolchains on this machine, and a generated project's build.sh run as an author runs it.
 *
 * <p>A test that needs a missing toolchain is skipped, saying what is missing, so that the unit tests run on a
 * machine without them; with {@value #REQUIRE} set in the environment (CI, which installs them) it fails instead.
 */
final class Toolchains {

    /** Set in the environment, a missing toolchain fails the test instead of skipping it. */
    static final String REQUIRE = "FLUENT_REQUIRE_TOOLCHAINS";

    /** A guard against a hung build, not a measure: a cold build of a project takes seconds. */
    private static final long BUILD_GUARD_MINUTES = 10;

    private Toolchains() {
    }

    /** What a command printed (standard output and error together) and how it exited. */
    record Result(int status, String output) {
    }

    /**
     * For a toolchain CI installs (Debian's rustc, clang for WebAssembly): skips the test when it is missing, or
     * fails it under {@value #REQUIRE}.
     */
    static void need(boolean available, String reason) {
        if (!available && System.getenv(REQUIRE) != null) {
            fail(reason + " (" + REQUIRE + " is set: the toolchains must be installed)");
        }
        optional(available, reason);
    }

    /** For a toolchain CI does not have (cargo, rustup's targets): skips the test when it is missing, saying why. */
    static void optional(boolean available, String reason) {
        if (!available) {
            System.out.println("skipped: " + reason);
            Assumptions.abort(reason);
        }
    }

    /** The Debian rustc (or RUSTC) when it has the wasm32-wasi standard library. */
    static boolean debianRustc() {
        String rustc = System.getenv().getOrDefault("RUSTC", "/usr/bin/rustc");
        Result sysroot = run(Path.of("."), Map.of(), rustc, "--print", "sysroot");
        return sysroot.status() == 0
                && Files.isDirectory(Path.of(sysroot.output().strip(), "lib/rustlib/wasm32-wasi/lib"));
    }

    /** The first executable of that name on PATH, or null. */
    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The WebAssembly target whose standard library cargo's rustc (RUSTC, or rustc on PATH) has, or null.
     */
    static String cargoWasmTarget() {
        Path rustc = System.getenv("RUSTC") != null ? Path.of(System.getenv("RUSTC")) : onPath("rustc");
        if (rustc == null) {
            return null;
        }
        Result sysroot = run(Path.of("."), Map.of(), rustc.toString(), "--print", "sysroot");
        for (String target : List.of("wasm32-wasip1", "wasm32-wasi")) {
            if (sysroot.status() == 0
                    && Files.isDirectory(Path.of(sysroot.output().strip(), "lib/rustlib", target, "lib"))) {
                return target;
            }
        }
        return null;
    }

    /** Runs the project's build.sh with these arguments and extra environment; asserts it succeeded. */
    static String build(Path project, Map<String, String> env, String... args) {
        Result result = buildScript(project, env, args);
        assertTrue(result.status() == 0, () -> "build.sh " + String.join(" ", args) + " failed:\n" + result.output());
        return result.output();
    }

    static Result buildScript(Path project, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(project.resolve("build.sh").toString()));
        command.addAll(List.of(args));
        return run(project, env, command.toArray(String[]::new));
    }

    static Result run(Path dir, Map<String, String> env, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(BUILD_GUARD_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }
}

package dev.fluent.plugin.devtools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.inspect.Finding;
import dev.fluent.plugin.api.inspect.Inspection;
import dev.fluent.plugin.devtools.NewProject;
import dev.fluent.plugin.devtools.Reports;
import dev.fluent.plugin.devtools.internal.local.LocalPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectAndValidateTest {

    @TempDir
    Path dir;

    @Test
    void createsAProjectWithOnlyTheRequestedCapabilities() throws Exception {
        Path folder = Plugins.devtools(true).create(new NewProject("my-engine", "openai",
                Set.of(Capability.LOGGING_ACCESS), dir, "me"));
        for (String file : List.of("manifest.json", "src/lib.rs", "Cargo.toml", "build.sh", "README.md",
                "pdk/Cargo.toml", "pdk/src/lib.rs",
                "pdk/src/host.rs", "pdk/src/abi.rs", "pdk/src/json.rs", "pdk/src/fakes.rs", "pdk/src/imports.rs",
                "pdk/src/fakes/imports.rs")) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), file);
        }
        assertTrue(Files.isExecutable(folder.resolve("build.sh")));
        PluginManifest m = Plugins.PARSER.parse(Files.readAllBytes(folder.resolve("manifest.json")));
        assertEquals(Set.of(Capability.LOGGING_ACCESS), m.capabilities());
        assertEquals(16, m.permissions().maxMemoryMb());
        assertTrue(m.expiresAt().isAfter(m.createdAt()));
        assertTrue(Files.readString(folder.resolve("src/lib.rs")).contains("fluent_pdk::host::info"));
        assertTrue(Files.readString(folder.resolve("build.sh")).contains("--crate-name \"$CRATE\""));
        // The local policy's example is one run accepts, allowing nothing yet; the real one stays out of git.
        LocalPolicy example = LocalPolicy.read(folder.resolve("local-policy.example.json"));
        assertEquals(List.of(), example.allowedHosts());
        assertEquals(folder.resolve("local-data"), example.dataDir());
        assertTrue(Files.readString(folder.resolve(".gitignore")).contains("local-policy.json"));
    }

    @Test
    void refusesABadNameBeforeWritingAnything() {
        PluginException e = assertThrows(PluginException.class, () -> Plugins.devtools(true)
                .create(new NewProject("My Engine", "openai", Set.of(), dir, "")));
        assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
        assertTrue(e.getMessage().contains("name"), e.getMessage());
    }

    @Test
    void refusesAnExistingFolder() throws Exception {
        Files.createDirectories(dir.resolve("taken"));
        assertThrows(PluginException.class, () -> Plugins.devtools(true)
                .create(new NewProject("taken", "echo", Set.of(), dir, "")));
    }

    @Test
    void validateReportsEveryProblemAtOnce() throws Exception {
        Path folder = Plugins.copy("hostile/undeclared-capability", dir.resolve("bad"),
                m -> m.put("checksum", "a".repeat(64)));
        Inspection inspection = Plugins.devtools(false).validate(folder);
        List<String> codes = inspection.problems().stream().map(Finding::code).toList();
        // A wrong checksum, no signature, and an import of an undeclared capability: all three at once.
        assertEquals(List.of("CHECKSUM_MISMATCH", "SIGNATURE_MISSING", "IMPORT_NOT_ALLOWED"), codes);
        assertTrue(inspection.problems().stream().allMatch(p -> !p.fix().isEmpty()));
        assertTrue(!inspection.loads());
        assertTrue(Reports.json(inspection).contains("\"code\":\"CHECKSUM_MISMATCH\""));
    }

    @Test
    void validateNamesUndeclaredImports() {
        Inspection inspection = Plugins.devtools(true).validate(Plugins.copy("hostile/undeclared-capability",
                dir.resolve("undeclared")));
        assertEquals(List.of("IMPORT_NOT_ALLOWED"), inspection.problems().stream().map(Finding::code).toList());
        assertTrue(inspection.problems().get(0).message().contains("NetworkAccess"));
    }

    @Test
    void validatePassesACleanPluginAndStartsIt() {
        Inspection inspection = Plugins.devtools(true).validate(Plugins.copy("echo", dir.resolve("echo")));
        assertTrue(inspection.loads(), inspection.problems().toString());
        assertTrue(inspection.module().exports().contains("execute_request"));
    }

    @Test
    void validateReportsAModuleThatDoesNotStart() {
        Inspection inspection = Plugins.devtools(true).validate(Plugins.copy("hostile/no-abi", dir.resolve("noabi"),
                m -> ((ArrayNode) m.get("capabilities")).removeAll()));
        assertEquals("ABI_MISMATCH", inspection.problems().get(0).code(), inspection.problems().toString());
    }
}

package dev.fluent.plugin.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One property of a {@code .cfg} file set in place: the rest of the file as it was, the file whole throughout. */
class ConfigFileTest {

    @TempDir
    Path temp;

    private Path write(String... lines) throws Exception {
        Path file = temp.resolve("dev.fluent.plugin.trust.cfg");
        Files.write(file, List.of(lines), StandardCharsets.ISO_8859_1);
        return file;
    }

    private static Properties read(Path file) throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        return properties;
    }

    @Test
    void replacesTheLineThatSetsTheKeyAndKeepsEveryOtherLine() throws Exception {
        Path file = write("# revoked.keys = not this comment", "trusted.keys.dir = ${karaf.etc}/keys",
                "revoked.keys = ", "scan.interval.seconds = 2");
        ConfigFile.set(file, "revoked.keys", "aa,bb");
        assertEquals(List.of("# revoked.keys = not this comment", "trusted.keys.dir = ${karaf.etc}/keys",
                "revoked.keys = aa,bb", "scan.interval.seconds = 2"), Files.readAllLines(file));
        assertEquals("aa,bb", ConfigFile.get(file, "revoked.keys"));
    }

    @Test
    void replacesAValueContinuedOverSeveralLinesAndDropsARepeatedKey() throws Exception {
        Path file = write("revoked.keys = aa, \\", "    bb, \\", "    cc", "other = \\\\", "revoked.keys:dd",
                "revoked.keysnot = kept");
        assertEquals("dd", ConfigFile.get(file, "revoked.keys"), "as in any properties file, the last setting wins");
        ConfigFile.set(file, "revoked.keys", "ee");
        assertEquals(List.of("revoked.keys = ee", "other = \\\\", "revoked.keysnot = kept"), Files.readAllLines(file));
        Properties properties = read(file);
        assertEquals("ee", properties.getProperty("revoked.keys"));
        assertEquals("\\", properties.getProperty("other"));
    }

    @Test
    void addsTheKeyAtTheEndOfAFileWithoutIt() throws Exception {
        Path file = write("# nothing yet", "scan.interval.seconds = 2");
        assertNull(ConfigFile.get(file, "revoked.keys"));
        ConfigFile.set(file, "revoked.keys", " odd\\value\n");
        assertEquals(" odd\\value\n", read(file).getProperty("revoked.keys"));
        assertEquals("2", read(file).getProperty("scan.interval.seconds"));
        assertEquals(3, Files.readAllLines(file).size());
    }

    @Test
    void theFileKeepsItsPermissionsAndNoTemporaryFileStays() throws Exception {
        Path file = write("revoked.keys =");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        ConfigFile.set(file, "revoked.keys", "aa");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(temp)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void onlyAnExistingCfgFileIsOne() throws Exception {
        Path file = write("a = b");
        assertEquals(file, ConfigFile.of(file.toUri().toString()));
        assertEquals(file, ConfigFile.of(file.toString()));
        assertNull(ConfigFile.of(null));
        assertNull(ConfigFile.of(temp.resolve("missing.cfg").toUri().toString()));
        Path json = Files.writeString(temp.resolve("x.json"), "{}");
        assertNull(ConfigFile.of(json.toUri().toString()));
        assertNull(ConfigFile.of("file:not a uri"));
    }
}

package dev.fluent.plugin.devtools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluent.plugin.devtools.CommandFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a plugin folder as a Maven artifact: {@code <name>-<version>.zip} (exactly {@code manifest.json} and
 * {@code plugin.wasm}, what the platform takes from an archive) and {@code <name>-<version>.pom} (the
 * coordinates, packaging {@code zip}), ready for {@code mvn deploy:deploy-file}. The archive is reproducible:
 * fixed entry order and times, so the same plugin always gives the same bytes, the same SHA-256 and, on the
 * platform, the same unpacked folder.
 */
final class PluginPackager {

    /** The archive's two entries, in this order. */
    static final String MANIFEST = "manifest.json";
    static final String WASM = "plugin.wasm";
    /** 1980-01-01T00:00:00Z plus a day: the zip format's earliest time, kept clear of time-zone edges. */
    private static final long ENTRY_TIME = 315_619_200_000L;
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*");
    private static final Pattern ID = Pattern.compile("[a-z0-9_.\\-]{1,64}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.+\\-]{1,128}");

    /** What was written, and the coordinates to load it by. */
    record Packaged(Path archive, Path pom, String group, String artifact, String version) {
        String location() {
            return "mvn:" + group + "/" + artifact + "/" + version + "/zip";
        }
    }

    private PluginPackager() {
    }

    static Packaged write(Path folder, String group, Path output) throws CommandFailure {
        if (group == null || !GROUP.matcher(group).matches()) {
            throw new CommandFailure("BAD_REQUEST: '" + group + "' is not a Maven group id; give --group like"
                    + " org.example.plugins");
        }
        byte[] manifest = read(folder.resolve(MANIFEST), "MANIFEST_MISSING");
        byte[] wasm = read(folder.resolve(WASM), "WASM_MISSING");
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(manifest);
        } catch (IOException e) {
            throw new CommandFailure("MANIFEST_INVALID: " + folder.resolve(MANIFEST) + " is not JSON: "
                    + e.getMessage());
        }
        String name = text(json, "name", ID, folder);
        String version = text(json, "version", VERSION, folder);
        String checksum = json.path("checksum").asText("");
        String actual = sha256(wasm);
        if (!actual.equals(checksum)) {
            // An archive that cannot load is no use to anyone who fetches it: refuse it here, with the fix.
            throw new CommandFailure((checksum.isEmpty() ? "CHECKSUM_MISSING" : "CHECKSUM_MISMATCH") + ": the"
                    + " manifest's checksum is not the SHA-256 of " + folder.resolve(WASM) + " (" + actual
                    + "); sign the plugin again: fluent-plugin sign --key <private.pem> " + folder);
        }
        String base = name + "-" + version;
        Path archive = output.resolve(base + ".zip");
        Path pom = output.resolve(base + ".pom");
        try {
            Files.createDirectories(output);
            writeAtomically(archive, zip(manifest, wasm));
            writeAtomically(pom, pom(group, name, version, json.path("description").asText("")));
        } catch (IOException e) {
            throw new CommandFailure("could not write " + archive + ": " + e.getMessage());
        }
        return new Packaged(archive, pom, group, name, version);
    }

    static byte[] zip(byte[] manifest, byte[] wasm) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(wasm.length + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, MANIFEST, manifest);
            entry(zip, WASM, wasm);
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    private static byte[] pom(String group, String artifact, String version, String description) {
        String pom = """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>%s</version>
                  <packaging>zip</packaging>
                  <description>%s</description>
                </project>
                """.formatted(group, artifact, version, xml(description));
        return pom.getBytes(StandardCharsets.UTF_8);
    }

    private static String xml(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                default -> b.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return b.toString();
    }

    private static String text(JsonNode json, String field, Pattern rule, Path folder) throws CommandFailure {
        String value = json.path(field).asText("");
        if (!rule.matcher(value).matches()) {
            throw new CommandFailure("MANIFEST_INVALID: " + folder.resolve(MANIFEST) + " has no usable '" + field
                    + "' ('" + value + "'); fluent-plugin validate " + folder + " lists every problem");
        }
        return value;
    }

    private static byte[] read(Path file, String code) throws CommandFailure {
        if (!Files.isRegularFile(file)) {
            throw new CommandFailure(code + ": no " + file + "; package a plugin folder (build it first)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CommandFailure(code + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            out.write(content);
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

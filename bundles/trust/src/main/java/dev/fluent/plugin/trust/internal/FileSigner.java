package dev.fluent.plugin.trust.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link PluginSigner} service: {@code plugin:keygen}, {@code plugin:sign}, {@code fluent-plugin} and the
 * standalone {@link SignTool} all come here, through {@link dev.fluent.plugin.trust.signing.SigningCommands}.
 * Signing sets the checksum, canonicalizes the manifest without its signature through the platform's own
 * {@link ManifestParser#signedContent}, signs that and writes the manifest back.
 */
@Component(service = PluginSigner.class)
public final class FileSigner implements PluginSigner {

    static final String MANIFEST_FILE = "manifest.json";
    static final String WASM_FILE = "plugin.wasm";
    private static final long MAX_MANIFEST_BYTES = 64 * 1024;

    private final ManifestParser parser;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public FileSigner(@Reference ManifestParser parser) {
        this.parser = parser;
    }

    @Override
    public GeneratedKeyPair generateKeyPair(String algorithm, Path directory) throws PluginException {
        String name = algorithm == null ? ED25519 : algorithm;
        Path privateFile = directory.resolve(PRIVATE_KEY_FILE);
        Path publicFile = directory.resolve(PUBLIC_KEY_FILE);
        for (Path file : new Path[] {privateFile, publicFile}) {
            if (Files.exists(file)) {
                throw new PluginException(ErrorCode.KEY_INVALID, null, file + " exists already; keygen never"
                        + " overwrites a key: choose another --out folder");
            }
        }
        SigningKey key = SigningKey.generate(name, random);
        try {
            Files.createDirectories(directory);
            writeOwnerOnly(privateFile, key.privateKeyPem());
            Files.writeString(publicFile, key.publicKeyPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.KEY_INVALID, null, "cannot write the key pair into " + directory
                    + ": " + e, e);
        }
        return new GeneratedKeyPair(key.keyId(), key.algorithm(), privateFile, publicFile);
    }

    /** Created with its final permissions, so the key is never readable by others, not even for a moment. */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
            java.io.File f = file.toFile();
            boolean restricted = f.setReadable(false, false) && f.setReadable(true, true)
                    && f.setWritable(false, false) && f.setWritable(true, true);
            if (!restricted) {
                Files.delete(file);
                throw new IOException("cannot make " + file + " readable by its owner only");
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists already", e);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public PluginManifest sign(Path privateKeyFile, Path pluginFolder) throws PluginException {
        SigningKey key = SigningKey.read(privateKeyFile);
        if (!Files.isDirectory(pluginFolder)) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, null, pluginFolder
                    + " is not a plugin folder (expected a folder holding manifest.json and plugin.wasm)");
        }
        Path manifestFile = pluginFolder.resolve(MANIFEST_FILE);
        Path wasmFile = pluginFolder.resolve(WASM_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new PluginException(ErrorCode.MANIFEST_MISSING, null, "no " + MANIFEST_FILE + " in " + pluginFolder);
        }
        if (!Files.isRegularFile(wasmFile)) {
            throw new PluginException(ErrorCode.WASM_MISSING, null, "no " + WASM_FILE + " in " + pluginFolder);
        }
        byte[] original = readManifest(manifestFile);
        ObjectNode tree;
        try {
            tree = ManifestFiles.read(original);
        } catch (IOException e) {
            parser.parse(original); // throws with the field named
            throw new PluginException(ErrorCode.MANIFEST_INVALID, null, manifestFile + ": " + e.getMessage());
        }
        String checksum = sha256(wasmFile);
        byte[] unsigned = ManifestFiles.write(ManifestFiles.with(tree, checksum, null));
        byte[] content = parser.signedContent(unsigned);
        String signature = key.algorithm() + ":" + key.keyId() + ":"
                + Base64.getEncoder().encodeToString(key.sign(content, random));
        byte[] signed = ManifestFiles.write(ManifestFiles.with(tree, checksum, signature));
        PluginManifest manifest = parser.parse(signed);
        replace(manifestFile, signed);
        return manifest;
    }

    private static byte[] readManifest(Path file) throws PluginException {
        try {
            if (Files.size(file) > MAX_MANIFEST_BYTES) {
                throw new PluginException(ErrorCode.MANIFEST_INVALID, null, file + " is larger than "
                        + MAX_MANIFEST_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, null, "cannot read " + file + ": " + e, e);
        }
    }

    static String sha256(Path file) throws PluginException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new PluginException(ErrorCode.PLUGIN_NOT_FOUND, null, "cannot read " + file + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Writes next to the file, then renames over it: a reader sees the old manifest or the new one. */
    private static void replace(Path file, byte[] content) throws PluginException {
        Path temp = null;
        try {
            temp = Files.createTempFile(file.getParent(), ".manifest-", ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write(content);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new PluginException(ErrorCode.INTERNAL, null, "cannot write " + file + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and harmless
                }
            }
        }
    }
}

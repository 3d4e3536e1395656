package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.GeneratedKeyPair;
import dev.fluent.plugin.api.spi.PluginSigner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The signer outside Karaf, for build scripts: the same {@link FileSigner}, with the manifest bundle's
 * parser found through {@link ServiceLoader} on the class path.
 *
 * <pre>
 * java -cp &lt;trust, api, manifest, bcprov and jackson jars&gt; dev.fluent.plugin.trust.internal.SignTool \
 *     sign --key &lt;private.pem&gt; &lt;plugin-folder&gt;...
 * ... SignTool keygen [--algorithm ed25519|rsa] --out &lt;folder&gt;
 * </pre>
 *
 * Exit status: 0 done, 1 a check failed (one line {@code CODE: message} on stderr), 2 bad usage.
 */
public final class SignTool {

    private static final String USAGE = """
            usage: SignTool sign --key <private.pem> <plugin-folder>...
                   SignTool keygen [--algorithm ed25519|rsa] --out <folder>""";

    private SignTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String command = args[0];
        String key = null;
        String algorithm = PluginSigner.ED25519;
        String outDir = null;
        List<String> folders = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--key") || arg.equals("--algorithm") || arg.equals("--out")) && i + 1 >= args.length) {
                err.println(arg + " needs a value\n" + USAGE);
                return 2;
            }
            switch (arg) {
                case "--key" -> key = args[++i];
                case "--algorithm" -> algorithm = args[++i];
                case "--out" -> outDir = args[++i];
                default -> {
                    if (arg.startsWith("--")) {
                        err.println("unknown option " + arg + "\n" + USAGE);
                        return 2;
                    }
                    folders.add(arg);
                }
            }
        }
        ManifestParser parser = ServiceLoader.load(ManifestParser.class, SignTool.class.getClassLoader())
                .findFirst().orElse(null);
        if (parser == null) {
            err.println("no ManifestParser on the class path: add the dev.fluent.plugin.manifest jar");
            return 2;
        }
        FileSigner signer = new FileSigner(parser);
        try {
            if (command.equals("sign") && key != null && !folders.isEmpty()) {
                for (String folder : folders) {
                    PluginManifest manifest = signer.sign(Path.of(key), Path.of(folder));
                    out.println("signed " + folder + " (" + manifest.name() + " " + manifest.version() + ") with "
                            + manifest.signature().substring(0, manifest.signature().lastIndexOf(':')));
                }
                return 0;
            }
            if (command.equals("keygen") && outDir != null && folders.isEmpty()) {
                GeneratedKeyPair pair = signer.generateKeyPair(algorithm, Path.of(outDir));
                out.println(pair.algorithm() + " key " + pair.keyId() + ": " + pair.privateKeyFile() + " (private), "
                        + pair.publicKeyFile() + " (public)");
                return 0;
            }
        } catch (PluginException e) {
            err.println(e);
            return 1;
        }
        err.println(USAGE);
        return 2;
    }
}

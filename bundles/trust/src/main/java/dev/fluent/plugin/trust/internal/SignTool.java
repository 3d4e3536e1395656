package dev.fluent.plugin.trust.internal;

import dev.fluent.plugin.api.ManifestParser;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.PluginSigner;
import dev.fluent.plugin.trust.signing.SigningCommands;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * {@code keygen} and {@code sign} for build scripts, on the class path of this bundle's jar and its runtime
 * dependencies alone: the same {@link SigningCommands} as {@code plugin:keygen}/{@code plugin:sign} and
 * {@code fluent-plugin keygen}/{@code sign}, over a {@link FileSigner} with the manifest bundle's parser found
 * through {@link ServiceLoader}. Only the argument parsing is its own.
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
        List<Path> folders = new ArrayList<>();
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
                    folders.add(Path.of(arg));
                }
            }
        }
        boolean sign = command.equals("sign") && key != null && !folders.isEmpty();
        boolean keygen = command.equals("keygen") && outDir != null && folders.isEmpty();
        if (!sign && !keygen) {
            err.println(USAGE);
            return 2;
        }
        ManifestParser parser = ServiceLoader.load(ManifestParser.class, SignTool.class.getClassLoader())
                .findFirst().orElse(null);
        if (parser == null) {
            err.println("no ManifestParser on the class path: add the dev.fluent.plugin.manifest jar");
            return 2;
        }
        SigningCommands commands = new SigningCommands(new FileSigner(parser));
        try {
            if (sign) {
                commands.sign(Path.of(key), folders, out::println);
            } else {
                commands.keygen(algorithm, Path.of(outDir), out::println);
            }
            return 0;
        } catch (PluginException e) {
            err.println(e);
            return 1;
        }
    }
}

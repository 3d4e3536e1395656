package dev.fluent.plugin.audit.internal.write;

import java.nio.file.Path;

/** Run in a separate JVM by {@link RecoveryTest}: records entries without end until the test kills it. */
public final class CrashingWriter {

    public static final String READY = "ready";
    public static final int AT_LEAST = 2000;

    private CrashingWriter() {
    }

    public static void main(String[] args) {
        AuditSettings settings = Logs.settings(Path.of(args[0])).withMaxFileBytes(64 * 1024);
        AuditWriter writer = Logs.open(settings);
        int i = 0;
        for (; i < AT_LEAST; i++) {
            writer.record(Logs.execute("p" + (i % 3), i, true));
        }
        writer.awaitWritten(60_000, true);
        System.out.println(READY);
        System.out.flush();
        while (true) {
            writer.record(Logs.execute("p" + (i % 3), i++, true));
        }
    }
}

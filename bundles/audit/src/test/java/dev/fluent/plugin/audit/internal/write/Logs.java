package dev.fluent.plugin.audit.internal.write;

import dev.fluent.plugin.api.spi.AuditEvent;
import dev.fluent.plugin.audit.internal.log.LogDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Audit logs written for real into a test's folder, and the edits a tamperer would make to them. */
public final class Logs {

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Logs() {
    }

    /**
     * The defaults, without the volume cap and retention: tests of writing, rotation and recovery see every
     * entry they record and every file written. The tests of the cap and of retention turn them on.
     */
    public static AuditSettings settings(Path dir) {
        return AuditSettings.defaults(dir).withVolumeCap(0).withRetention(0, 0);
    }

    public static AuditWriter open(AuditSettings settings) {
        try {
            return new AuditWriter(settings, Clock.systemUTC(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AuditEvent execute(String plugin, int n, boolean success) {
        return new AuditEvent(T0.plusSeconds(n), plugin, "execute", "req-" + n, success,
                success ? null : "TIMEOUT: plugin " + plugin + " ran past 100 ms",
                Map.of("duration_us", Integer.toString(100 + n)));
    }

    /** Writes {@code count} execute entries (plugin {@code p0} … {@code p2} in turn) and closes the writer. */
    public static void write(AuditSettings settings, int count) {
        try (AuditWriter writer = open(settings)) {
            for (int i = 1; i <= count; i++) {
                writer.record(execute("p" + (i % 3), i, i % 5 != 0));
            }
        }
    }

    public static Path file(Path dir, int index) {
        return dir.resolve(LogDirectory.fileName(index));
    }

    public static List<String> lines(Path file) {
        try {
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeLines(Path file, List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(line).append('\n');
        }
        try {
            Files.writeString(file, b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces line {@code index} (from 0) of a file. */
    public static void editLine(Path file, int index, UnaryOperator<String> edit) {
        editLines(file, lines -> lines.set(index, edit.apply(lines.get(index))));
    }

    /** Rewrites a file with its lines as {@code edit} leaves them (it may add, remove, move or change lines). */
    public static void editLines(Path file, Consumer<List<String>> edit) {
        List<String> lines = lines(file);
        edit.accept(lines);
        writeLines(file, lines);
    }

    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

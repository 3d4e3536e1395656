package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A fake for every standard capability, sharing one {@link FakeCallLog} and one temporary folder: what a
 * sandbox gives a plugin instead of the platform's providers. Each fake records every call and answers
 * deterministically without reaching the network, the platform's files, configuration or environment. Close
 * it to delete the folder.
 */
public final class FakeProviders implements AutoCloseable {

    private final Path folder;
    private final FakeCallLog log;
    private final FakeLogging logging;
    private final FakeMetrics metrics;
    private final List<CapabilityProvider> providers;

    private FakeProviders(Path folder, int maxRecordedCalls) {
        this.folder = folder;
        this.log = new FakeCallLog(maxRecordedCalls);
        this.logging = new FakeLogging(log);
        this.metrics = new FakeMetrics(log);
        FakeFiles files = new FakeFiles(folder, log);
        this.providers = List.of(new FakeNetwork(log), files.reader(), files.writer(), FakeValues.environment(log),
                FakeValues.configuration(log), new FakeCache(log), logging, metrics);
    }

    /**
     * Fakes over a new temporary folder.
     *
     * @param maxRecordedCalls how many calls {@link #calls()} keeps
     * @throws UncheckedIOException when the temporary folder cannot be made
     */
    public static FakeProviders create(int maxRecordedCalls) {
        try {
            return new FakeProviders(Files.createTempDirectory("fluent-sandbox-"), maxRecordedCalls);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the sandbox's temporary folder", e);
        }
    }

    /** One provider per standard capability. */
    public List<CapabilityProvider> providers() {
        return providers;
    }

    /** The capabilities served: all of them. */
    public Set<Capability> capabilities() {
        Set<Capability> served = EnumSet.noneOf(Capability.class);
        providers.forEach(p -> served.add(p.capability()));
        return served;
    }

    /** The temporary folder: the plugin's data folder, and where its files live. */
    public Path folder() {
        return folder;
    }

    public List<FakeCall> calls() {
        return log.calls();
    }

    public long droppedCalls() {
        return log.dropped();
    }

    public FakeLogging logging() {
        return logging;
    }

    public FakeMetrics metrics() {
        return metrics;
    }

    /** Deletes the temporary folder and everything the plugin wrote there. */
    @Override
    public void close() {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the sandbox's temporary folder " + folder, e);
        }
    }
}

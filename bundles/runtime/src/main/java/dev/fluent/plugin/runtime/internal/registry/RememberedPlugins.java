package dev.fluent.plugin.runtime.internal.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins loaded by command, by id with their folders, kept in {@code loaded-plugins.json} so they are
 * loaded again after a restart. Written whole and atomically on every change.
 */
public final class RememberedPlugins {

    private static final Logger LOG = LoggerFactory.getLogger(RememberedPlugins.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, String> sources = new LinkedHashMap<>();

    /** @param directory where the file lives, or {@code null} to remember nothing */
    public RememberedPlugins(Path directory) {
        this.file = directory == null ? null : directory.resolve("loaded-plugins.json");
        if (file != null && Files.isRegularFile(file)) {
            try {
                sources.putAll(JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() {
                }));
            } catch (IOException e) {
                LOG.error("Cannot read {}: plugins loaded by command before the restart are not loaded again ({})",
                        file, e.toString());
            }
        }
    }

    public synchronized Map<String, Path> all() {
        Map<String, Path> result = new LinkedHashMap<>();
        sources.forEach((id, source) -> result.put(id, Path.of(source)));
        return result;
    }

    public synchronized void remember(String id, Path source) {
        if (!source.toString().equals(sources.put(id, source.toString()))) {
            save();
        }
    }

    public synchronized void forget(String id) {
        if (sources.remove(id) != null) {
            save();
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "loaded-plugins", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), sources);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("Cannot write {}: the loaded plugins will not all come back after a restart ({})",
                    file, e.toString());
        }
    }
}

package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the remembered plugins again, in parallel, one thread per core at most. */
final class Restorer {

    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    interface Load {
        void load(Path folder) throws PluginException;
    }

    private Restorer() {
    }

    /**
     * Loads the plugins remembered when the registry started that are neither forgotten nor loaded since:
     * boot may finish after operators (or tests) have already loaded and unloaded plugins. One that no
     * longer passes its checks is reported (and audited by the load) and forgotten only when its folder is
     * gone.
     */
    static void restore(Map<String, Path> atStart, RememberedPlugins remembered, Predicate<String> loaded, Load load) {
        Map<String, Path> still = remembered.all();
        Map<String, Path> all = new LinkedHashMap<>();
        atStart.forEach((id, folder) -> {
            if (folder.equals(still.get(id)) && !loaded.test(id)) {
                all.put(id, folder);
            }
        });
        if (all.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        int threads = Math.max(1, Math.min(all.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fluent-plugin-restore");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> tasks = new ArrayList<>();
            all.forEach((id, source) -> tasks.add(pool.submit(() -> {
                try {
                    load.load(source);
                } catch (PluginException e) {
                    if (e.code() == ErrorCode.PLUGIN_NOT_FOUND) {
                        remembered.forget(id);
                    }
                    LOG.warn("Plugin {} loaded before the restart could not be loaded again: {}", id, e.toString());
                }
            })));
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("Restoring plugins failed", e.getCause());
        } finally {
            pool.shutdown();
        }
        LOG.info("Loaded {} remembered plugin(s) again in {} ms", all.size(), (System.nanoTime() - started) / 1_000_000);
    }
}

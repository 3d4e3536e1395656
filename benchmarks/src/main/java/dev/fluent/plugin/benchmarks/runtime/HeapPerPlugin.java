package dev.fluent.plugin.benchmarks.runtime;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.runtime.internal.abi.LinearStorage;
import dev.fluent.plugin.runtime.internal.abi.PluginMemory;
import dev.fluent.plugin.runtime.internal.execute.InstancePool;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.registry.PluginRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Heap held per idle loaded plugin: loads N copies of echo under different ids (unsigned copies, development
 * mode), forces GC, and compares used heap before and after. The linear memory the idle pooled instances
 * hold (their page arrays) is subtracted; what remains is the platform's own cost per plugin: manifest,
 * registry entry, pool, the Chicory instance and its machine, the reset snapshot, bookkeeping.
 *
 * <pre>java -cp benchmarks.jar dev.fluent.plugin.runtime.internal.HeapPerPlugin [N]</pre>
 *
 * All copies share one compiled module (same checksum): the compiled code is counted once, in the baseline.
 */
public final class HeapPerPlugin {

    private HeapPerPlugin() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path copies = LifecycleFixtures.tempDir("fluent-heap-");
        Path echo = LifecycleFixtures.example("echo");
        PluginRuntime runtime = LifecycleFixtures.developmentRuntime(null);

        // One plugin first: the classes, the compiled module and the JIT's warm-up go into the baseline.
        runtime.load(LifecycleFixtures.unsignedCopy(echo, copies.resolve("echo-0"), "echo-0"), false);
        runtime.execute("echo-0", EngineRequest.of("warm up"));
        for (int i = 1; i <= n; i++) {
            LifecycleFixtures.unsignedCopy(echo, copies.resolve("echo-" + i), "echo-" + i);
        }
        long before = usedHeapAfterGc();
        for (int i = 1; i <= n; i++) {
            runtime.load(copies.resolve("echo-" + i), false);
        }
        long after = usedHeapAfterGc();

        long linear = 0;
        long snapshot = 0;
        int instances = 0;
        for (int i = 1; i <= n; i++) {
            for (PluginInstance instance : idleInstances(runtime, "echo-" + i)) {
                linear += instance.memory().retainedBytes();
                snapshot += snapshotBytes(instance.memory());
                instances++;
            }
        }
        double perPlugin = (after - before) / (double) n;
        double linearPerPlugin = linear / (double) n;
        double snapshotPerPlugin = snapshot / (double) n;
        System.out.println(String.format(Locale.ROOT,
                "{\"plugins\":%d,\"idle_instances\":%d,\"heap_delta_bytes\":%d,\"per_plugin_bytes\":%.0f,"
                        + "\"linear_memory_per_plugin_bytes\":%.0f,\"beyond_linear_per_plugin_bytes\":%.0f,"
                        + "\"reset_snapshot_per_plugin_bytes\":%.0f}",
                n, instances, after - before, perPlugin, linearPerPlugin, perPlugin - linearPerPlugin,
                snapshotPerPlugin));
        runtime.deactivate();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Several rounds: finalization and reference processing can free more on the next one.
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The idle instances in a plugin's pool, reached through the registry's private fields. */
    @SuppressWarnings("unchecked")
    private static Collection<PluginInstance> idleInstances(PluginRuntime runtime, String id) throws Exception {
        Map<String, ?> plugins = (Map<String, ?>) field(PluginRuntime.class, "plugins").get(runtime);
        Object registered = plugins.get(id);
        Method plugin = registered.getClass().getDeclaredMethod("plugin");
        plugin.setAccessible(true);
        LoadedPlugin loaded = (LoadedPlugin) plugin.invoke(registered);
        InstancePool pool = (InstancePool) field(LoadedPlugin.class, "pool").get(loaded);
        return pool.idleInstances();
    }

    /** Bytes of the cards {@link PluginMemory#snapshot()} copied (what {@code reset} restores from). */
    private static long snapshotBytes(PluginMemory memory) throws Exception {
        Object snapshot = field(LinearStorage.class, "snapshot").get(memory);
        if (snapshot == null) {
            return 0;
        }
        Method cards = snapshot.getClass().getDeclaredMethod("cards");
        cards.setAccessible(true);
        long n = 0;
        for (byte[] card : (byte[][]) cards.invoke(snapshot)) {
            if (card != null) {
                n += card.length;
            }
        }
        return n;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}

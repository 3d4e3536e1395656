package dev.fluent.plugin.runtime.internal.load;

import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.Faults;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.execute.Execution;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;

/** The load path's last step: a first instance of the compiled plugin, started under its deadline. */
public final class StartProbe {

    private StartProbe() {
    }

    /**
     * Instantiates the plugin once, under its deadline, and asks its ABI version: proof that the module
     * starts and speaks our ABI before anything is registered.
     *
     * @return the instance, reset and ready for the pool; {@code null} if it cannot be reset (a table changed)
     */
    public static PluginInstance start(Watchdog watchdog, CompiledPlugin compiled) throws PluginException {
        String id = compiled.id();
        Faults.checkCallerNotInterrupted(id);
        long timeoutMillis = compiled.manifest().permissions().maxExecutionTimeMs();
        Watchdog.Deadline deadline = watchdog.arm(timeoutMillis);
        PluginInstance instance = null;
        int version = 0;
        Throwable failure = null;
        try {
            instance = PluginInstance.create(compiled, new Execution(id, "load", null));
            version = instance.abiVersion();
        } catch (Throwable t) {
            failure = t;
        }
        boolean fired = watchdog.disarm(deadline);
        if (failure != null || fired) {
            PluginException e = Faults.failure(id, failure, fired, timeoutMillis,
                    instance == null ? null : instance.memory(), compiled.manifest().permissions().maxMemoryMb());
            throw new PluginException(e.code(), id, "the module failed to start: " + e.getMessage(), e);
        }
        Abi.checkVersion(id, version);
        if (!instance.reset()) {
            return null;
        }
        return instance;
    }
}

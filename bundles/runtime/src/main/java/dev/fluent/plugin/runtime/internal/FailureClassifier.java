package dev.fluent.plugin.runtime.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;

/**
 * Turns whatever ended a guest execution into a {@link PluginException} with the code an operator can act
 * on. Chicory reports a refused memory.grow only indirectly (the guest's allocator then traps), so a trap
 * after a refused grow is reported as the memory limit it really is.
 */
final class FailureClassifier {

    private FailureClassifier() {
    }

    static PluginException classify(String pluginId, Throwable failure, PluginMemory memory, int maxMemoryMb) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PluginException pe) {
                return pe;
            }
            if (t instanceof HostFault hf) {
                return new PluginException(hf.code(), pluginId, hf.getMessage());
            }
            if (t instanceof ProcExit exit) {
                return exit.exitCode() == 0
                        ? new PluginException(ErrorCode.BAD_RESPONSE, pluginId,
                                "the plugin called proc_exit(0) before returning a response")
                        : new PluginException(ErrorCode.TRAP, pluginId,
                                "the plugin exited with status " + exit.exitCode());
            }
            if (t instanceof ChicoryInterruptedException || t instanceof InterruptedException) {
                return new PluginException(ErrorCode.TIMEOUT, pluginId, "the execution was interrupted at its deadline");
            }
            if (t instanceof StackOverflowError
                    || (t instanceof ChicoryException && String.valueOf(t.getMessage()).contains("call stack exhausted"))) {
                return new PluginException(ErrorCode.STACK_EXHAUSTED, pluginId,
                        "the plugin recursed past the call stack limit");
            }
            if (t instanceof OutOfMemoryError) {
                return new PluginException(ErrorCode.MEMORY_LIMIT, pluginId,
                        "the host ran out of heap while the plugin ran; lower max_memory_mb or give the JVM more heap");
            }
        }
        if (memory != null && memory.growRefused()) {
            return new PluginException(ErrorCode.MEMORY_LIMIT, pluginId, "the plugin needed more than max_memory_mb="
                    + maxMemoryMb + " and stopped (" + describe(failure) + ")");
        }
        if (failure instanceof ChicoryException) {
            return new PluginException(ErrorCode.TRAP, pluginId, "the plugin trapped: " + describe(failure));
        }
        return new PluginException(ErrorCode.INTERNAL, pluginId,
                "the platform failed while running the plugin: " + describe(failure), failure);
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}

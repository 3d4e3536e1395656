package dev.fluent.plugin.runtime.internal.abi;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.HostCallException;

/**
 * Turns whatever ended a piece of guest code into the one {@link PluginException} to report, with the code
 * an operator can act on. Host functions end an execution by throwing {@link HostCallException}, which
 * travels through Chicory's machine unchanged and is translated here, once. Chicory reports a refused
 * memory.grow only indirectly (the guest's allocator then traps), so a trap after a refused grow is
 * reported as the memory limit it really is.
 */
public final class Faults {

    private Faults() {
    }

    /**
     * @param failure what the guest code threw
     * @param fired whether the execution's deadline fired
     * @param memory the instance's memory when known, to recognise a refused grow
     */
    public static PluginException failure(String pluginId, Throwable failure, boolean fired, long timeoutMillis,
            PluginMemory memory, int maxMemoryMb) {
        if (failure instanceof VirtualMachineError vme && !(vme instanceof StackOverflowError)
                && !(vme instanceof OutOfMemoryError)) {
            throw vme;
        }
        if (fired) {
            return new PluginException(ErrorCode.TIMEOUT, pluginId,
                    "the execution ran past max_execution_time_ms=" + timeoutMillis + " and was stopped");
        }
        return classify(pluginId, failure, memory, maxMemoryMb);
    }

    /**
     * The {@code OutOfMemoryError} that ended guest code, itself or as a cause (Chicory may wrap what a host
     * function threw), or {@code null}. Walking the chain allocates nothing.
     */
    public static OutOfMemoryError outOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
            if (t.getCause() == t) {
                return null;
            }
        }
        return null;
    }

    /** Refuses to run guest code on a thread its owner has interrupted: the guest would stop at once. */
    public static void checkCallerNotInterrupted(String pluginId) throws PluginException {
        if (Thread.currentThread().isInterrupted()) {
            throw new PluginException(ErrorCode.INTERNAL, pluginId,
                    "the calling thread is interrupted; plugins run on the caller's thread");
        }
    }

    static PluginException classify(String pluginId, Throwable failure, PluginMemory memory, int maxMemoryMb) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PluginException pe) {
                return pe;
            }
            if (t instanceof HostCallException hc) {
                return new PluginException(hc.code(), pluginId, hc.getMessage());
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
        if (memory != null && memory.heapRefused()) {
            return new PluginException(ErrorCode.MEMORY_LIMIT, pluginId, "the plugin grew its memory to "
                    + GuestMemory.size(memory) / (1024 * 1024) + " MiB, below max_memory_mb=" + maxMemoryMb
                    + ", and the JVM's heap had no room for more (" + describe(failure) + "); lower max_memory_mb"
                    + " or pool_size, or give the JVM more heap (JAVA_MAX_MEM, -Xmx)");
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

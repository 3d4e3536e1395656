package dev.fluent.plugin.runtime.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;

/** Turns what ended a guarded piece of guest code into the one {@link PluginException} to report. */
final class Guard {

    private Guard() {
    }

    /**
     * @param failure what the guest code threw
     * @param fired whether the execution's deadline fired
     * @param memory the instance's memory when known, to recognise a refused grow
     */
    static PluginException failure(String pluginId, Throwable failure, boolean fired, long timeoutMillis,
            PluginMemory memory, int maxMemoryMb) {
        if (failure instanceof VirtualMachineError vme && !(vme instanceof StackOverflowError)
                && !(vme instanceof OutOfMemoryError)) {
            throw vme;
        }
        if (fired) {
            return new PluginException(ErrorCode.TIMEOUT, pluginId,
                    "the execution ran past max_execution_time_ms=" + timeoutMillis + " and was stopped");
        }
        return FailureClassifier.classify(pluginId, failure, memory, maxMemoryMb);
    }

    /** Refuses to run guest code on a thread its owner has interrupted: the guest would stop at once. */
    static void checkCallerNotInterrupted(String pluginId) throws PluginException {
        if (Thread.currentThread().isInterrupted()) {
            throw new PluginException(ErrorCode.INTERNAL, pluginId,
                    "the calling thread is interrupted; plugins run on the caller's thread");
        }
    }
}

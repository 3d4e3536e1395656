package dev.fluent.plugin.runtime.internal;

/** Thrown by WASI {@code proc_exit}: unwinds the guest and ends the execution. */
final class ProcExit extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    ProcExit(int exitCode) {
        super("proc_exit(" + exitCode + ")", null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

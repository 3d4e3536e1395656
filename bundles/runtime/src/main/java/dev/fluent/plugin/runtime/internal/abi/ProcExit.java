package dev.fluent.plugin.runtime.internal.abi;


/** Thrown by WASI {@code proc_exit}: unwinds the guest and ends the execution. */
public final class ProcExit extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ProcExit(int exitCode) {
        super("proc_exit(" + exitCode + ")", null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

package dev.fluent.plugin.runtime.internal.execute;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.MStack;
import com.dylibso.chicory.wasm.types.Instruction;

/**
 * Ends an interpreted function once its thread is interrupted, as compiled code does on every loop and call.
 *
 * <p>A function too large for a JVM method runs in Chicory's interpreter, inside an otherwise compiled module;
 * the 1.7.5 interpreter checks interruption on calls and some branches, but not on a loop that repeats through
 * {@code br_if}, so the watchdog's interrupt alone would not stop it. Chicory calls this listener before every
 * instruction its interpreter executes, and never from compiled code: it costs nothing in a module without
 * interpreted functions. The exception is the one compiled code throws, so the execution ends as a
 * {@code TIMEOUT} (or {@code CANCELLED}) like any other.
 */
final class InterruptGuard implements ExecutionListener {

    static final InterruptGuard INSTANCE = new InterruptGuard();

    private InterruptGuard() {
    }

    @Override
    public void onExecution(Instruction instruction, MStack stack) {
        if (Thread.currentThread().isInterrupted()) {
            throw new ChicoryInterruptedException("Thread interrupted");
        }
    }
}

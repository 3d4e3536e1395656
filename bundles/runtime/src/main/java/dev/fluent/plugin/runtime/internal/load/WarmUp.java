package dev.fluent.plugin.runtime.internal.load;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.WarmupReport;
import dev.fluent.plugin.runtime.internal.abi.Faults;
import dev.fluent.plugin.runtime.internal.compile.CompiledPlugin;
import dev.fluent.plugin.runtime.internal.execute.Execution;
import dev.fluent.plugin.runtime.internal.execute.PluginInstance;
import dev.fluent.plugin.runtime.internal.execute.Watchdog;
import java.util.List;

/**
 * The load path's warm-up: the request payloads the manifest declares under {@code warmup}, run again and again
 * on the instance that proved the plugin starts, until the time a pass over them stops falling and the JIT has
 * nothing of the plugin's left to compile ({@link JitActivity}). The JVM compiles a plugin's code only once it
 * has run (its large generated methods take it hundreds of milliseconds), so without this the first requests
 * after a load pay for the compilation.
 *
 * <p>Why this is sound where a warm-up on invented requests is not (docs/benchmarks.md): the payloads are the
 * author's, signed with the manifest, chosen to reach the code real requests reach and answered by the plugin
 * alone. The warm-up grants nothing: a host call ends it and fails the load with the reason, so no request leaves
 * the platform and nothing is written. Each call runs under the plugin's deadline and memory cap, the instance is
 * reset after each one exactly as after a request, and the whole warm-up, a payload still running included,
 * stops at the operator's budget ({@code warmup_budget_ms}). A payload that traps, times out or makes a host call
 * fails the load: a declared warm-up that cannot run is a broken manifest. An answer that is the plugin's own
 * error is a valid warm-up.
 */
public final class WarmUp {

    /** The budget unless the configuration says otherwise: {@code warmup_budget_ms}'s default. */
    public static final long DEFAULT_BUDGET_MILLIS = 5000;

    /**
     * A round repeats passes for at least this long, so that rounds of a fast plugin are long enough to show what
     * the JIT did; a pass longer than this is a round of its own.
     */
    static final long MIN_ROUND_NANOS = 50_000_000L;
    /** A round counts as faster only below this share of the best round before it. */
    static final double GAIN = 0.9;
    /**
     * Rounds in a row no faster, while the JIT neither compiles nor has queued any of the plugin's methods, after
     * which the time per pass counts as settled.
     */
    static final int QUIET_ROUNDS = 2;

    private static final String REQUEST_ID = Execution.WARM_UP_REQUEST_ID;

    private WarmUp() {
    }

    /**
     * What a warm-up did, and whether the instance it ran on may serve: reset after its last payload, not stopped
     * in the middle of one by the budget or left unable to reset (a table changed size).
     */
    public record Result(WarmupReport report, boolean instanceUsable) {
    }

    /** How one payload's run ended, when it did not fail. */
    private enum Ran { ANSWERED, NOT_RESETTABLE, OUT_OF_BUDGET }

    /**
     * Runs the warm-up on {@code instance} (reset, ready for the pool).
     *
     * @param budgetMillis the most it takes: the passes stop when it is spent, and a payload still running then
     *        is stopped (the warm-up ends there, unsettled, and the instance is not used again); so a payload
     *        that loops holds a load no longer than the budget, whatever the plugin's own time limit
     * @param once one pass only, under the plugin's own time limit: the check a {@code validate} makes that
     *        every payload runs
     * @throws PluginException a payload failed: its failure's code, and which payload it was
     */
    public static Result run(Watchdog watchdog, CompiledPlugin compiled, PluginInstance instance, long budgetMillis,
            boolean once) throws PluginException {
        List<String> payloads = compiled.manifest().warmup();
        long started = System.nanoTime();
        long budgetEnd = once ? Long.MAX_VALUE : started + budgetMillis * 1_000_000;
        JitActivity jit = JitActivity.ofThisJvm();
        String code = instance.codePackage() + ".";
        long firstPass = 0;
        long lastPass = 0;
        double best = Double.MAX_VALUE;
        int passes = 0;
        int quiet = 0;
        boolean settled = false;
        while (true) {
            long roundStart = System.nanoTime();
            int roundPasses = 0;
            long now;
            do {
                long passStart = System.nanoTime();
                for (int i = 0; i < payloads.size(); i++) {
                    Ran ran = runOne(watchdog, compiled, instance, i, budgetEnd);
                    if (ran != Ran.ANSWERED) {
                        WarmupReport report = new WarmupReport(payloads.size(), passes + roundPasses,
                                (System.nanoTime() - started) / 1_000_000, firstPass / 1_000, lastPass / 1_000, false);
                        return new Result(report, false);
                    }
                }
                now = System.nanoTime();
                if (passes + roundPasses == 0) {
                    firstPass = now - passStart;
                }
                roundPasses++;
            } while (!once && now - roundStart < MIN_ROUND_NANOS && now < budgetEnd);
            passes += roundPasses;
            lastPass = (now - roundStart) / roundPasses;
            boolean gained = lastPass < best * GAIN;
            best = Math.min(best, lastPass);
            // A JVM that does not say what it compiles counts as compiling: the budget ends the warm-up then.
            Boolean compiling = once ? Boolean.FALSE : jit == null ? null : jit.compiling(code);
            quiet = gained || !Boolean.FALSE.equals(compiling) ? 0 : quiet + 1;
            settled = quiet >= QUIET_ROUNDS;
            if (once || settled || now >= budgetEnd) {
                break;
            }
        }
        WarmupReport report = new WarmupReport(payloads.size(), passes, (System.nanoTime() - started) / 1_000_000,
                firstPass / 1_000, lastPass / 1_000, settled);
        return new Result(report, true);
    }

    /**
     * One payload as one request, then the reset a request gets, under the plugin's deadline or, if sooner, the
     * end of the budget.
     */
    private static Ran runOne(Watchdog watchdog, CompiledPlugin compiled, PluginInstance instance, int index,
            long budgetEnd) throws PluginException {
        String id = compiled.id();
        List<String> payloads = compiled.manifest().warmup();
        Faults.checkCallerNotInterrupted(id);
        long timeoutMillis = compiled.manifest().permissions().maxExecutionTimeMs();
        long now = System.nanoTime();
        long budgetLeftMillis = budgetEnd == Long.MAX_VALUE ? Long.MAX_VALUE
                : Math.max(1, (budgetEnd - now) / 1_000_000);
        boolean budgetFirst = budgetLeftMillis < timeoutMillis;
        Execution execution = new Execution(id, REQUEST_ID, null);
        Watchdog.Deadline deadline = watchdog.arm(Math.min(timeoutMillis, budgetLeftMillis), now);
        Throwable failure = null;
        try {
            instance.call(new EngineRequest(null, payloads.get(index)), execution);
        } catch (PluginException e) {
            failure = e.code() == ErrorCode.PLUGIN_ERROR ? null : e;
        } catch (Throwable t) {
            failure = t;
        }
        boolean fired = watchdog.disarm(deadline);
        if (fired && budgetFirst) {
            return Ran.OUT_OF_BUDGET;
        }
        if (failure != null || fired) {
            PluginException e = failure instanceof PluginException pe && !fired ? pe
                    : Faults.failure(id, failure, fired, timeoutMillis, instance.memory(),
                            compiled.manifest().permissions().maxMemoryMb());
            throw new PluginException(e.code(), id, "warm-up payload " + (index + 1) + " of " + payloads.size()
                    + " (warmup[" + index + "] in the manifest) failed: " + e.getMessage() + ". The warm-up runs"
                    + " each payload without capabilities, under the plugin's limits: declare only payloads the"
                    + " plugin answers by itself, or leave the payload out", e);
        }
        return instance.reset() ? Ran.ANSWERED : Ran.NOT_RESETTABLE;
    }
}

package dev.fluent.plugin.runtime.internal.host;

import static com.dylibso.chicory.wasm.types.ValType.I32;
import static com.dylibso.chicory.wasm.types.ValType.I64;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.fluent.plugin.runtime.internal.abi.Abi;
import dev.fluent.plugin.runtime.internal.abi.GuestMemory;
import dev.fluent.plugin.runtime.internal.abi.ProcExit;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The part of WASI preview 1 a plugin gets (docs/abi.md): what the Rust and C standard libraries need to
 * start and run, and nothing that reaches outside the sandbox. No arguments, no environment, no files,
 * no preopened directories; stdout and stderr go to the plugin log when it was granted LoggingAccess.
 */
public final class WasiSubset {


    // WASI errno values.
    private static final int SUCCESS = 0;
    private static final int EBADF = 8;
    private static final int EINVAL = 28;
    private static final int ESPIPE = 70;

    private static final int FILETYPE_CHARACTER_DEVICE = 2;
    // Only these two clocks: process and thread CPU clocks would tell a plugin about the host's load.
    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_MONOTONIC = 1;
    private static final long RIGHT_FD_WRITE = 1L << 6;

    /** Bytes one random_get call may ask for; a guest asking more is broken or hostile. */
    private static final int MAX_RANDOM_BYTES = 1 << 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Function(FunctionType type,
            java.util.function.Function<Supplier<? extends GuestCalls>, WasmFunctionHandle> body) {
    }

    private static final Map<String, Function> FUNCTIONS = new LinkedHashMap<>();

    static {
        define("args_get", List.of(I32, I32), ctx -> (inst, a) -> ok());
        define("args_sizes_get", List.of(I32, I32), ctx -> WasiSubset::zeroCounts);
        define("environ_get", List.of(I32, I32), ctx -> (inst, a) -> ok());
        define("environ_sizes_get", List.of(I32, I32), ctx -> WasiSubset::zeroCounts);
        define("clock_res_get", List.of(I32, I32), ctx -> WasiSubset::clockRes);
        define("clock_time_get", List.of(I32, I64, I32), ctx -> WasiSubset::clockTime);
        define("random_get", List.of(I32, I32), ctx -> WasiSubset::random);
        define("fd_write", List.of(I32, I32, I32, I32), ctx -> (inst, a) -> fdWrite(ctx.get(), inst, a));
        define("fd_read", List.of(I32, I32, I32, I32), ctx -> WasiSubset::fdRead);
        define("fd_close", List.of(I32), ctx -> (inst, a) -> errno(isStdio(a[0]) ? SUCCESS : EBADF));
        define("fd_fdstat_get", List.of(I32, I32), ctx -> WasiSubset::fdstat);
        define("fd_seek", List.of(I32, I64, I32, I32), ctx -> (inst, a) -> errno(isStdio(a[0]) ? ESPIPE : EBADF));
        define("fd_prestat_get", List.of(I32, I32), ctx -> (inst, a) -> errno(EBADF));
        define("fd_prestat_dir_name", List.of(I32, I32, I32), ctx -> (inst, a) -> errno(EBADF));
        define("sched_yield", List.of(), ctx -> (inst, a) -> ok());
        FUNCTIONS.put("proc_exit", new Function(FunctionType.of(List.of(I32), List.of()), ctx -> (inst, a) -> {
            throw new ProcExit((int) a[0]);
        }));
    }

    private WasiSubset() {
    }

    private static void define(String name, List<ValType> params,
            java.util.function.Function<Supplier<? extends GuestCalls>, WasmFunctionHandle> body) {
        FUNCTIONS.put(name, new Function(FunctionType.of(params, List.of(I32)), body));
    }

    /** The type of an offered function, or {@code null} when this subset does not offer it. */
    public static FunctionType typeOf(String name) {
        Function f = FUNCTIONS.get(name);
        return f == null ? null : f.type();
    }

    /**
     * Host functions for the imports a module actually has.
     *
     * @param ctx the execution being served at the time of a call (instances are reused across executions)
     */
    public static List<ImportFunction> bind(List<String> importedNames, Supplier<? extends GuestCalls> ctx) {
        List<ImportFunction> result = new ArrayList<>(importedNames.size());
        for (String name : importedNames) {
            Function f = FUNCTIONS.get(name);
            result.add(new HostFunction(Abi.WASI_MODULE, name, f.type(), f.body().apply(ctx)));
        }
        return result;
    }

    private static long[] errno(int value) {
        return new long[] {value};
    }

    private static long[] ok() {
        return errno(SUCCESS);
    }

    private static boolean isStdio(long fd) {
        return fd >= 0 && fd <= 2;
    }

    private static long[] zeroCounts(Instance inst, long... a) {
        GuestMemory.writeI32(inst.memory(), "wasi sizes_get", a[0], 0);
        GuestMemory.writeI32(inst.memory(), "wasi sizes_get", a[1], 0);
        return ok();
    }

    private static long[] clockRes(Instance inst, long... a) {
        int id = (int) a[0];
        if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC) {
            return errno(EINVAL);
        }
        GuestMemory.writeI64(inst.memory(), "clock_res_get", a[1], id == 0 ? 1_000L : 1L);
        return ok();
    }

    private static long[] clockTime(Instance inst, long... a) {
        long now;
        switch ((int) a[0]) {
            case CLOCK_REALTIME -> {
                java.time.Instant t = java.time.Instant.now();
                now = t.getEpochSecond() * 1_000_000_000L + t.getNano();
            }
            case CLOCK_MONOTONIC -> now = System.nanoTime();
            default -> {
                return errno(EINVAL);
            }
        }
        GuestMemory.writeI64(inst.memory(), "clock_time_get", a[2], now);
        return ok();
    }

    private static long[] random(Instance inst, long... a) {
        long len = a[1] & 0xFFFF_FFFFL;
        GuestMemory.check(inst.memory(), "random_get", a[0], len);
        if (len > MAX_RANDOM_BYTES) {
            return errno(EINVAL);
        }
        byte[] bytes = new byte[(int) len];
        RANDOM.nextBytes(bytes);
        inst.memory().write((int) a[0], bytes);
        return ok();
    }

    private static long[] fdWrite(GuestCalls ctx, Instance inst, long... a) {
        int fd = (int) a[0];
        if (fd != 1 && fd != 2) {
            return errno(EBADF);
        }
        Memory memory = inst.memory();
        long iovs = a[1];
        long count = a[2] & 0xFFFF_FFFFL;
        GuestMemory.check(memory, "fd_write", iovs, count * 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long total = 0;
        for (long i = 0; i < count; i++) {
            long ptr = memory.readInt((int) (iovs + i * 8)) & 0xFFFF_FFFFL;
            long len = memory.readInt((int) (iovs + i * 8 + 4)) & 0xFFFF_FFFFL;
            GuestMemory.check(memory, "fd_write", ptr, len);
            total += len;
            // Read only what the log can still take; the rest is counted as written and dropped.
            if (out.size() < GuestCalls.LOG_BUDGET_BYTES) {
                int take = (int) Math.min(len, GuestCalls.LOG_BUDGET_BYTES - out.size());
                out.write(memory.readBytes((int) ptr, take), 0, take);
            }
        }
        ctx.guestOutput(fd, out.toByteArray());
        GuestMemory.writeI32(memory, "fd_write", a[3], (int) total);
        return ok();
    }

    private static long[] fdRead(Instance inst, long... a) {
        if (a[0] != 0) {
            return errno(EBADF);
        }
        GuestMemory.writeI32(inst.memory(), "fd_read", a[3], 0); // stdin is always at its end
        return ok();
    }

    private static long[] fdstat(Instance inst, long... a) {
        if (!isStdio(a[0])) {
            return errno(EBADF);
        }
        // struct fdstat { u8 filetype; u16 flags; u64 rights_base; u64 rights_inheriting } = 24 bytes
        Memory memory = inst.memory();
        GuestMemory.check(memory, "fd_fdstat_get", a[1], 24);
        int p = (int) a[1];
        memory.write(p, new byte[24]);
        memory.writeByte(p, (byte) FILETYPE_CHARACTER_DEVICE);
        memory.writeLong(p + 8, a[0] == 0 ? 0 : RIGHT_FD_WRITE);
        return ok();
    }
}

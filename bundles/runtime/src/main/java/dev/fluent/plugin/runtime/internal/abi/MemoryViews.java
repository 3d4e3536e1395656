package dev.fluent.plugin.runtime.internal.abi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian views of a chunk array, WebAssembly's byte order. Public because the compiled plugins' classes
 * (rewritten by {@code compile.MemoryAccessInliner}) read these fields directly: as static finals they are
 * constants to the JIT, which turns each access into a single machine load or store.
 */
public final class MemoryViews {

    public static final VarHandle SHORT = view(short[].class);
    public static final VarHandle INT = view(int[].class);
    public static final VarHandle LONG = view(long[].class);
    public static final VarHandle FLOAT = view(float[].class);
    public static final VarHandle DOUBLE = view(double[].class);

    private MemoryViews() {
    }

    private static VarHandle view(Class<?> arrayType) {
        return MethodHandles.byteArrayViewVarHandle(arrayType, ByteOrder.LITTLE_ENDIAN);
    }
}

package dev.fluent.plugin.runtime.internal.abi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;

/**
 * How code reaches the bytes of a {@link PluginMemory}'s flat array as wider values, in WebAssembly's
 * little-endian order. Public because the compiled plugins' classes (rewritten by {@code
 * compile.MemoryAccessInliner}) read these fields directly: as static finals they are constants to the JIT.
 *
 * <ul>
 *   <li>The VarHandle views are what the platform's own Java code uses.</li>
 *   <li>The rewritten plugin code uses {@link #UNSAFE} with {@link #BYTE_BASE}, only after its own unsigned
 *       comparison of the address with a bound that is never above the array's length less 8. Why: a view's
 *       access calls small methods the JIT does not inline into large methods (its inlining budget is spent
 *       there, and only methods the JDK marks force-inline escape the budget), so in the large methods compilers
 *       make of hot loops every access became a call. {@code sun.misc.Unsafe}'s accessors are force-inline and
 *       compile to a single load or store at any method size.</li>
 * </ul>
 */
public final class MemoryViews {

    public static final VarHandle SHORT = view(short[].class);
    public static final VarHandle INT = view(int[].class);
    public static final VarHandle LONG = view(long[].class);

    /** The JVM's unchecked accessors, or null where they cannot serve (a big-endian machine, or none offered). */
    public static final sun.misc.Unsafe UNSAFE = unsafe();
    /** The offset of a byte array's first element, for {@link #UNSAFE}: this JVM's, never a stored one. */
    public static final long BYTE_BASE = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(byte[].class);

    private MemoryViews() {
    }

    private static VarHandle view(Class<?> arrayType) {
        return MethodHandles.byteArrayViewVarHandle(arrayType, ByteOrder.LITTLE_ENDIAN);
    }

    private static sun.misc.Unsafe unsafe() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return null;
        }
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            sun.misc.Unsafe unsafe = (sun.misc.Unsafe) field.get(null);
            return unsafe.arrayIndexScale(byte[].class) == 1 ? unsafe : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not offered here (sun.misc not wired to this bundle): the accesses stay calls to the memory.
            return null;
        }
    }
}

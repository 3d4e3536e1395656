package dev.fluent.plugin.runtime.internal.abi;

import com.dylibso.chicory.runtime.Memory;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.HostCallException;

/**
 * Bounds-checked access to a guest's linear memory for host functions. Every pointer and length a guest
 * hands the host passes through here; a bad one ends that execution with {@link ErrorCode#BAD_HOST_CALL}
 * and a message naming the call, never an exception of the host's own.
 */
public final class GuestMemory {

    private GuestMemory() {
    }

    /** Size of the memory in bytes, as a long so that sums with guest values cannot overflow. */
    public static long size(Memory memory) {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /** Checks that {@code [ptr, ptr + len)} lies inside memory; both are guest i32 values, read unsigned. */
    public static void check(Memory memory, String call, long ptr, long len) {
        long p = ptr & 0xFFFF_FFFFL;
        long l = len & 0xFFFF_FFFFL;
        if (p + l > size(memory)) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, String.format(
                    "%s: range 0x%x + %d bytes lies outside the plugin's memory of %d bytes",
                    call, p, l, size(memory)));
        }
    }

    public static void writeI32(Memory memory, String call, long ptr, int value) {
        check(memory, call, ptr, 4);
        memory.writeI32((int) ptr, value);
    }

    public static void writeI64(Memory memory, String call, long ptr, long value) {
        check(memory, call, ptr, 8);
        memory.writeLong((int) ptr, value);
    }
}

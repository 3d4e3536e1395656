package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;

/** Reading the guest's arguments the way the real providers do: bounded before anything is copied. */
final class Arguments {

    /** Longest key, name or path a fake reads; the real providers allow no more. */
    static final int MAX_NAME_BYTES = 4096;

    private Arguments() {
    }

    static String text(HostCall call, long ptr, long len, String function, String what) {
        long length = len & 0xFFFF_FFFFL;
        if (length > MAX_NAME_BYTES) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, function + ": a " + what + " is at most "
                    + MAX_NAME_BYTES + " bytes, got " + length);
        }
        return call.readString(ptr, len);
    }

    /** Text for a summary: at most 200 characters, so that a record stays small. */
    static String shortened(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}

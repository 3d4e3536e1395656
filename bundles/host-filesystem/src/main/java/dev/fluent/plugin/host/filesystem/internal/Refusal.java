package dev.fluent.plugin.host.filesystem.internal;

import java.io.IOException;
import java.nio.file.FileSystemException;

/** Why a file operation was refused or failed; the providers word the answer. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** {@link #name} is a symbolic link: the file itself, or a folder on the way ({@link #onTheWay}). */
        LINK,
        /** {@link #name} is neither a regular file nor a folder; {@link #type} says what it is. */
        SPECIAL,
        /** {@link #name}, on the way, is not a folder. */
        NOT_A_FOLDER,
        /** {@link #name}, on the way, does not exist. */
        MISSING_FOLDER,
        /** The file does not exist. */
        MISSING,
        /** The file is a folder. */
        FOLDER,
        /** The file is, or would become, {@link #number} bytes: above the size allowed. */
        TOO_LARGE,
        /** The data folder would hold {@link #number} bytes: above the quota. */
        STORED,
        /** The file does not exist and may not be created. */
        CREATE,
        /** The platform cannot open files without following links. */
        UNSUPPORTED,
        /** Every file thread is busy ({@link FileThreads}); the message says how many. */
        BUSY,
        /** Input or output failed; the message says how. */
        IO
    }

    final Kind kind;
    final String name;
    final boolean onTheWay;
    final String type;
    final long number;

    private Refusal(Kind kind, String name, boolean onTheWay, String type, long number, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.name = name;
        this.onTheWay = onTheWay;
        this.type = type;
        this.number = number;
    }

    static Refusal of(Kind kind, String name) {
        return new Refusal(kind, name, false, null, 0, kind + " " + name);
    }

    static Refusal link(String name, boolean onTheWay) {
        return new Refusal(Kind.LINK, name, onTheWay, null, 0, "LINK " + name);
    }

    static Refusal special(String name, String type) {
        return new Refusal(Kind.SPECIAL, name, false, type, 0, name + " is " + type);
    }

    static Refusal number(Kind kind, long number) {
        return new Refusal(kind, null, false, null, number, kind + " " + number);
    }

    static Refusal busy(int threads) {
        return new Refusal(Kind.BUSY, null, false, null, threads, "all " + threads + " file threads are busy");
    }

    static Refusal io(IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return new Refusal(Kind.IO, null, false, null, 0,
                e.getClass().getSimpleName() + (reason == null ? "" : " " + reason));
    }
}

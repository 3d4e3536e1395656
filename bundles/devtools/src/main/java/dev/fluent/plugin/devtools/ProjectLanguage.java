package dev.fluent.plugin.devtools;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The languages {@link PluginDevTools#create} writes a project in, each on its plugin development kit. */
public enum ProjectLanguage {

    /** Rust on pdk/rust: a Cargo package that also builds with rustc alone. */
    RUST("rust"),
    /** C on pdk/c: clang for wasm32-wasi with wasi-libc. */
    C("c");

    private final String id;

    ProjectLanguage(String id) {
        this.id = id;
    }

    /** The name the commands take ({@code --language c}). */
    public String id() {
        return id;
    }

    /** The language of that name, in any case. */
    public static Optional<ProjectLanguage> fromId(String id) {
        return Arrays.stream(values()).filter(l -> l.id.equals(id.toLowerCase(Locale.ROOT))).findFirst();
    }
}

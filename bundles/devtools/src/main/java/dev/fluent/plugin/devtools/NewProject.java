package dev.fluent.plugin.devtools;

import dev.fluent.plugin.api.Capability;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link PluginDevTools#create} makes.
 *
 * @param name the plugin id (the manifest's {@code name}) and the project folder's name
 * @param engineType the manifest's {@code engine_type}
 * @param capabilities the capabilities the plugin asks for; nothing else is declared
 * @param outputDirectory where the project folder goes
 * @param author the manifest's {@code author}, may be empty
 * @param language the language of the source and the kit it is written on; {@code null} for Rust
 */
public record NewProject(String name, String engineType, Set<Capability> capabilities, Path outputDirectory,
        String author, ProjectLanguage language) {

    public NewProject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engineType, "engineType");
        capabilities = Set.copyOf(capabilities);
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        author = author == null ? "" : author;
        language = language == null ? ProjectLanguage.RUST : language;
    }

    /** A Rust project, as before languages could be chosen. */
    public NewProject(String name, String engineType, Set<Capability> capabilities, Path outputDirectory,
            String author) {
        this(name, engineType, capabilities, outputDirectory, author, ProjectLanguage.RUST);
    }
}

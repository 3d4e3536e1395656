package dev.fluent.plugin.devtools;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where an {@link AuthoringCommands} command writes what it reports, line by line: the Karaf session
 * ({@code System.out::println} in an {@code Action}) or the command line's standard output.
 */
@ConsumerType
@FunctionalInterface
public interface Console {

    /** Writes one line; {@code line} holds no line break. */
    void println(String line);
}

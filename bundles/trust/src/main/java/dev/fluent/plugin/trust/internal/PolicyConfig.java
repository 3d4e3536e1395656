package dev.fluent.plugin.trust.internal;

/**
 * What the trust store reads of the platform's policy, Config Admin PID {@code dev.fluent.plugin}
 * ({@code etc/dev.fluent.plugin.cfg}): whether development mode is on. {@code development_mode()} is
 * {@code development.mode} by the rules of Declarative Services. The runtime owns that PID, whose other keys
 * may be set per plugin ({@code <key>.<plugin-id>}), so its metatype, if any, belongs there; this is only the
 * typed view of the one key read here. Public for the command line, which builds the store outside OSGi.
 */
public @interface PolicyConfig {

    /** Whether the keys of the development folder are trusted too. */
    boolean development_mode() default false;
}

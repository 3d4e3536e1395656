package dev.fluent.plugin.http.internal.rest;

/** What an operation needs of its caller: one of the three roles the configuration names. */
public enum Access {
    /** Reading: plugins, statistics, the audit log, metrics, the OpenAPI document. */
    READ,
    /** Running requests through plugins. */
    EXECUTE,
    /** Loading, reloading and unloading plugins. */
    ADMIN
}

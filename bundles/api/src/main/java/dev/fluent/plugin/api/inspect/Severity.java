package dev.fluent.plugin.api.inspect;

/** How much a finding matters. {@link #HIGH}: the plugin does not load, or must not be shipped as it is. */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH
}

package dev.fluent.plugin.api.spi;

/**
 * A WebAssembly value type a host function takes or returns. Host functions of the platform use integers
 * only: pointers and lengths into the guest's memory are {@link #I32}, packed results and 64-bit values
 * {@link #I64}.
 */
public enum ValueType {
    /** A 32-bit integer; a pointer or length is read as unsigned. */
    I32,
    /** A 64-bit integer. */
    I64
}

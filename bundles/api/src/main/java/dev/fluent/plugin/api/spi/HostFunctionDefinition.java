package dev.fluent.plugin.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One host function of import module {@code fluent}: its name, its WebAssembly type and its Java body.
 * The functions of ABI version 1 are listed in {@link StandardHostFunction}; build their definitions with
 * {@link StandardHostFunction#define}, which fixes the type.
 *
 * @param name the import name, e.g. {@code http_request}: lower-case letters, digits and {@code _}
 * @param params the parameter types, in order
 * @param results the result types: none or one
 * @param handler the body
 */
public record HostFunctionDefinition(String name, List<ValueType> params, List<ValueType> results,
        HostFunctionHandler handler) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public HostFunctionDefinition {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("host function name '" + name
                    + "' must be 1-64 of a-z, 0-9 and '_', starting with a letter");
        }
        params = List.copyOf(params);
        results = List.copyOf(results);
        if (results.size() > 1) {
            throw new IllegalArgumentException("host function " + name + " has " + results.size()
                    + " results; at most one is supported");
        }
        Objects.requireNonNull(handler, "handler");
    }

    /** The type as WebAssembly text writes it, e.g. {@code (i32, i32) -> i64}. */
    public String signature() {
        return "(" + String.join(", ", params.stream().map(t -> t.name().toLowerCase()).toList()) + ") -> "
                + (results.isEmpty() ? "()" : results.get(0).name().toLowerCase());
    }

    /** Whether this function has the same name and type as {@code other}. */
    public boolean sameTypeAs(HostFunctionDefinition other) {
        return name.equals(other.name) && params.equals(other.params) && results.equals(other.results);
    }
}

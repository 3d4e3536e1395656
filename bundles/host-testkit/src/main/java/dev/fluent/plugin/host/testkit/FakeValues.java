package dev.fluent.plugin.host.testkit;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * ConfigurationAccess ({@code config_get}) or EnvironmentAccess ({@code env_get}) on values given here, never
 * on the platform's configuration or the process environment. {@link #configuration()} and
 * {@link #environment()} answer every key with a fake value that names it ({@code fake-config-api_key}), so a
 * plugin that needs a setting goes on to show what it does with it.
 */
public final class FakeValues implements CapabilityProvider {

    private final Capability capability;
    private final StandardHostFunction function;
    private final Function<String, String> values;
    private final FakeCallLog log;

    /**
     * @param values the value of each key, or {@code null} for a key that is not set
     */
    public FakeValues(Capability capability, Function<String, String> values, FakeCallLog log) {
        this.capability = capability;
        this.function = switch (capability) {
            case CONFIGURATION_ACCESS -> StandardHostFunction.CONFIG_GET;
            case ENVIRONMENT_ACCESS -> StandardHostFunction.ENV_GET;
            default -> throw new IllegalArgumentException(capability + " is not served by values");
        };
        this.values = values;
        this.log = log;
    }

    /** Fake configuration: every key answers {@code fake-config-<key>}. */
    public static FakeValues configuration(FakeCallLog log) {
        return new FakeValues(Capability.CONFIGURATION_ACCESS, key -> "fake-config-" + key, log);
    }

    /** Fake environment: every variable answers {@code fake-env-<name>}. */
    public static FakeValues environment(FakeCallLog log) {
        return new FakeValues(Capability.ENVIRONMENT_ACCESS, name -> "fake-env-" + name, log);
    }

    @Override
    public Capability capability() {
        return capability;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(function.define(this::get));
    }

    private long get(HostCall call, long[] args) {
        String name = function.functionName();
        String key = Arguments.text(call, args[0], args[1], name, "key");
        if (key.isEmpty()) {
            throw log.refused(capability, name, key, call.deny(ErrorCode.ACCESS_DENIED, name, key,
                    name + ": an empty key names nothing"));
        }
        String value = values.apply(key);
        log.add(capability, name, Arguments.shortened(key), value == null ? FakeCall.NOT_FOUND : FakeCall.ANSWERED);
        call.audit(name, key, Map.of("found", Boolean.toString(value != null)));
        return value == null ? HostCall.NOT_FOUND : call.result(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "fake " + capability + (function == StandardHostFunction.CONFIG_GET ? " (" + AuditActions.CONFIG_GET
                + ")" : " (" + AuditActions.ENV_GET + ")");
    }
}

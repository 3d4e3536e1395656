package dev.fluent.plugin.host.environment.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

/**
 * EnvironmentAccess: {@code env_get(name)} returns an environment variable of the platform's process, but
 * only one the operator exposes to that plugin. Configuration PID {@value #PID}: each key is a plugin id,
 * its value the comma-separated names of the variables that plugin may read, e.g.
 * {@code openai-engine = OPENAI_API_KEY}. Any other name is refused with {@code ACCESS_DENIED} and audited;
 * an exposed variable that is not set returns {@code NOT_FOUND}.
 *
 * <p>Unlike the other providers' settings, this configuration is not typed (no metatype): every key is a
 * plugin id, which no fixed attribute can name, so it is read from the raw properties.
 */
@Component(service = CapabilityProvider.class, configurationPid = EnvironmentProvider.PID)
public final class EnvironmentProvider implements CapabilityProvider {

    static final String PID = "dev.fluent.plugin.host.environment";

    /** Longest variable name accepted. */
    static final int MAX_NAME_BYTES = 256;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Function<String, String> environment;
    private volatile Map<String, Set<String>> exposed;

    @Activate
    public EnvironmentProvider(Map<String, Object> properties) {
        this(properties, System::getenv);
    }

    EnvironmentProvider(Map<String, Object> properties, Function<String, String> environment) {
        this.environment = environment;
        this.exposed = exposures(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        exposed = exposures(properties);
    }

    @Override
    public Capability capability() {
        return Capability.ENVIRONMENT_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.ENV_GET.define(this::envGet));
    }

    private long envGet(HostCall call, long[] args) {
        if ((args[1] & 0xFFFF_FFFFL) > MAX_NAME_BYTES) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "env_get: a variable name is at most "
                    + MAX_NAME_BYTES + " bytes, got " + (args[1] & 0xFFFF_FFFFL));
        }
        String name = call.readString(args[0], args[1]);
        if (!NAME.matcher(name).matches()) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "env_get: '" + name
                    + "' is not a variable name (letters, digits and '_', not starting with a digit)");
        }
        Set<String> allowed = exposed.getOrDefault(call.pluginId(), Set.of());
        if (!allowed.contains(name)) {
            throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.ENV_GET, name, "environment variable " + name
                    + " is not exposed to plugin " + call.pluginId() + (allowed.isEmpty()
                            ? "; the operator exposes none to it"
                            : "; it may read " + String.join(", ", allowed))
                    + " (set '" + call.pluginId() + "' in etc/" + PID + ".cfg)");
        }
        String value = environment.apply(name);
        call.audit(AuditActions.ENV_GET, name, Map.of("found", Boolean.toString(value != null)));
        return value == null ? HostCall.NOT_FOUND : call.result(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Plugin id → exposed names, from the configuration's keys; other keys (service.pid …) are skipped. */
    static Map<String, Set<String>> exposures(Map<String, ?> properties) {
        Map<String, Set<String>> result = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")) {
                continue;
            }
            Set<String> names = new TreeSet<>();
            for (Object item : items(e.getValue())) {
                String name = String.valueOf(item).trim();
                if (NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
            result.put(key, Collections.unmodifiableSet(names));
        }
        return Collections.unmodifiableMap(result);
    }

    private static Collection<?> items(Object value) {
        if (value instanceof Collection<?> c) {
            return c;
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        return Arrays.asList(String.valueOf(value).split("[,\\s]+"));
    }
}

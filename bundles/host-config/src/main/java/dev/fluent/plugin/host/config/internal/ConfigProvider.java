package dev.fluent.plugin.host.config.internal;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationException;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Component;

/**
 * ConfigurationAccess: {@code config_get(key)} returns a value of the calling plugin's own configuration,
 * never another plugin's. The operator writes one factory configuration of {@value #FACTORY_PID} per plugin,
 * e.g. {@code etc/dev.fluent.plugin.host.config-openai-engine.cfg}, whose {@value #PLUGIN_ID} names the
 * plugin and whose other keys are the plugin's settings ({@code api_key = …}). Framework keys
 * ({@code service.*}, {@code felix.*}, {@code component.*}) are never visible. Values are not audited, only
 * the key names.
 *
 * <p>Unlike the other providers' settings, these configurations are not typed (no metatype): apart from
 * {@value #PLUGIN_ID}, their keys are whatever the plugin reads, which no fixed attribute can name, so they
 * are read from the raw properties.
 */
// Immediate: the settings Config Admin delivered live in this instance. A delayed component would be disposed
// whenever no bundle held its service, and the instance made next would hold nothing until the .cfg changed.
@Component(service = {CapabilityProvider.class, ManagedServiceFactory.class}, immediate = true,
        property = Constants.SERVICE_PID + "=" + ConfigProvider.FACTORY_PID)
public final class ConfigProvider implements CapabilityProvider, ManagedServiceFactory {

    static final String FACTORY_PID = "dev.fluent.plugin.host.config";
    static final String PLUGIN_ID = "plugin.id";

    /** Longest key accepted. */
    static final int MAX_KEY_BYTES = 256;

    /** Configuration PID → (plugin id, its settings). */
    private final Map<String, PluginSettings> byPid = new ConcurrentHashMap<>();

    private record PluginSettings(String pluginId, Map<String, String> values) {
    }

    @Override
    public Capability capability() {
        return Capability.CONFIGURATION_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.CONFIG_GET.define(this::configGet));
    }

    @Override
    public String getName() {
        return "Fluent plugin configuration (ConfigurationAccess)";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) throws ConfigurationException {
        Object id = properties.get(PLUGIN_ID);
        if (id == null || String.valueOf(id).isBlank()) {
            byPid.remove(pid);
            throw new ConfigurationException(PLUGIN_ID, "names no plugin; set " + PLUGIN_ID
                    + " to the plugin id these settings belong to");
        }
        Map<String, String> values = new TreeMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!isReserved(key)) {
                values.put(key, text(properties.get(key)));
            }
        }
        byPid.put(pid, new PluginSettings(String.valueOf(id).trim(), Collections.unmodifiableMap(values)));
    }

    @Override
    public void deleted(String pid) {
        byPid.remove(pid);
    }

    /** The settings of one plugin, merged over all its configurations (normally one). */
    Map<String, String> settings(String pluginId) {
        Map<String, String> merged = new TreeMap<>();
        for (PluginSettings s : byPid.values()) {
            if (s.pluginId().equals(pluginId)) {
                merged.putAll(s.values());
            }
        }
        return merged;
    }

    private long configGet(HostCall call, long[] args) {
        if ((args[1] & 0xFFFF_FFFFL) > MAX_KEY_BYTES) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "config_get: a key is at most " + MAX_KEY_BYTES
                    + " bytes, got " + (args[1] & 0xFFFF_FFFFL));
        }
        String key = call.readString(args[0], args[1]);
        if (key.isEmpty() || isReserved(key)) {
            throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.CONFIG_GET, key, "configuration key '" + key
                    + "' is reserved to the platform; a plugin reads only its own settings");
        }
        String value = settings(call.pluginId()).get(key);
        call.audit(AuditActions.CONFIG_GET, key, Map.of("found", Boolean.toString(value != null)));
        return value == null ? HostCall.NOT_FOUND : call.result(value.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isReserved(String key) {
        return key.equals(PLUGIN_ID) || key.startsWith("service.") || key.startsWith("felix.")
                || key.startsWith("component.");
    }

    /** A configuration value as text: arrays and collections comma-separated. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                parts.add(String.valueOf(Array.get(value, i)));
            }
            return String.join(",", parts);
        }
        if (value instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}

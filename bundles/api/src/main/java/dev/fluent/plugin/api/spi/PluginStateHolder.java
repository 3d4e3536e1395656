package dev.fluent.plugin.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a {@link CapabilityProvider} that keeps something per plugin id beyond one execution
 * (cache entries, stored files, counters, allowances). When the id changes owner, or its record is
 * released, the runtime calls {@link #forget} so that the next owner's code starts with nothing of the
 * previous owner's.
 *
 * @since 1.1
 */
@ConsumerType
public interface PluginStateHolder {

    /**
     * Drops (or moves out of the plugin's reach) everything kept for {@code pluginId}. Called from an
     * operator's command, never during an execution of that plugin; must not block for long.
     */
    void forget(String pluginId);
}

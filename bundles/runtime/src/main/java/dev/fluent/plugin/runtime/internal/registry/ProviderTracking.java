package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.execute.ExecutionServices;
import dev.fluent.plugin.runtime.internal.execute.LoadedPlugin;
import dev.fluent.plugin.runtime.internal.host.CapabilityProviders;
import dev.fluent.plugin.runtime.internal.policy.OperatorPolicy;
import java.util.Map;
import org.osgi.framework.Constants;

/**
 * The registry's side of capability providers coming and going: each plugin that needs the capability is
 * audited as suspended when its last provider stops and as resumed when one starts; and the load step
 * {@code providers}: a capability outside the standard eight that no provider serves refuses the load,
 * unless the operator lets plugins wait ({@code await_capabilities}).
 */
final class ProviderTracking {

    private final CapabilityProviders providers;
    private final EngineRegistrations plugins;
    private final Auditor auditor;
    private final ExecutionServices services;

    ProviderTracking(CapabilityProviders providers, EngineRegistrations plugins, Auditor auditor,
            ExecutionServices services) {
        this.providers = providers;
        this.plugins = plugins;
        this.auditor = auditor;
        this.services = services;
    }

    void added(CapabilityProvider provider, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        Object serviceId = properties.get(Constants.SERVICE_ID);
        String capability = CapabilityProviders.problem(provider) == null ? provider.capabilityName() : null;
        boolean before = capability != null && providers.provider(capability) != null;
        if (providers.add(provider, ranking instanceof Integer r ? r : 0, serviceId instanceof Long l ? l : 0L)
                && !before) {
            changed(capability, AuditActions.RESUME, "a provider of " + capability + " started");
        }
    }

    void removed(CapabilityProvider provider) {
        String capability = providers.capabilityOf(provider);
        providers.remove(provider);
        if (capability != null && providers.provider(capability) == null) {
            changed(capability, AuditActions.SUSPEND, "capability " + capability + " unavailable: its provider stopped");
        }
    }

    private void changed(String capability, String action, String reason) {
        for (EngineRegistrations.Registered r : plugins.all()) {
            if (r.plugin().needs(capability)) {
                auditor.success(r.plugin().id(), action, capability, Map.of("reason", reason));
            }
        }
    }

    /** A plugin just registered waits (await_capabilities) for each provider it needs that is not running: audited. */
    void registered(LoadedPlugin plugin) {
        for (String capability : plugin.neededCapabilities()) {
            if (providers.provider(capability) == null) {
                auditor.success(plugin.id(), AuditActions.SUSPEND, capability, Map.of("reason", "capability "
                        + capability + " unavailable: no provider of it runs yet"));
            }
        }
    }

    /** The load step {@code providers}. */
    void checkServed(PluginManifest manifest) throws PluginException {
        if (services.awaitCapabilities()) {
            return;
        }
        for (String capability : manifest.extensionCapabilities()) {
            if (providers.provider(capability) == null) {
                throw new PluginException(ErrorCode.CAPABILITY_UNAVAILABLE, manifest.name(), "plugin "
                        + manifest.name() + " declares capability " + capability + ", which no installed bundle"
                        + " serves: install (or drop into deploy/) the bundle that registers a CapabilityProvider"
                        + " for " + capability + ", or set await_capabilities = true in etc/" + OperatorPolicy.PID
                        + ".cfg to load it suspended until one starts");
            }
        }
    }
}

package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.runtime.internal.lifecycle.AfterBoot;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Loads again the plugins loaded by command before the last stop, once Karaf has started its boot features
 * ({@link AfterBoot}): by then the trust store, its verifiers and the capability providers of the boot
 * features are bound, so no restored plugin is refused for a service that was merely late.
 */
@Component(immediate = true)
public final class RestoreOnBoot {

    private final AfterBoot afterBoot;

    @Activate
    public RestoreOnBoot(BundleContext context, @Reference PluginRuntime registry) throws InvalidSyntaxException {
        this.afterBoot = new AfterBoot(context, "fluent-plugin-restore", registry::restoreRemembered);
    }

    @Deactivate
    void deactivate() {
        afterBoot.close();
    }
}

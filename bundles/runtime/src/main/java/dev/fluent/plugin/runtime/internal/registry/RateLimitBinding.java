package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.spi.RateLimitAuthority;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Hands the registry's executions the {@link RateLimitAuthority} while one is registered (the cluster's, while
 * this node is a member), and takes it back when it goes: then each plugin's bucket on this node decides again.
 * Without one, nothing on the request path changes. A separate component, so the registry itself does not wait
 * for, or restart with, the authority.
 */
@Component(immediate = true)
public final class RateLimitBinding {

    private final PluginRuntime runtime;

    @Activate
    public RateLimitBinding(@Reference PluginRuntime runtime) {
        this.runtime = runtime;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setAuthority(RateLimitAuthority authority) {
        runtime.executionServices().rateAuthority(authority);
    }

    void unsetAuthority(RateLimitAuthority authority) {
        if (runtime.executionServices().rateAuthority() == authority) {
            runtime.executionServices().rateAuthority(null);
        }
    }

    @Deactivate
    void stop() {
        runtime.executionServices().rateAuthority(null);
    }
}

package dev.fluent.plugin.runtime.internal.policy;

import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PolicyService;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The built-in {@link PolicyService}: the operator's policy as {@code etc/dev.fluent.plugin.cfg} says it now
 * ({@link OperatorPolicy}). Registered with ranking 0; the policy services of other bundles are consulted
 * beside it ({@link PolicyChain}): each may refuse or narrow, none can widen what this one allows.
 */
@Component(service = PolicyService.class, configurationPid = OperatorPolicy.PID,
        property = Constants.SERVICE_RANKING + ":Integer=0")
@Designate(ocd = PlatformConfiguration.class)
public final class ConfiguredPolicy implements PolicyService {

    private volatile OperatorPolicy current;

    /** @param properties the configuration's properties, per-plugin keys ({@code key.<plugin-id>}) included */
    @Activate
    public ConfiguredPolicy(Map<String, Object> properties) {
        this.current = new OperatorPolicy(properties);
    }

    @Modified
    public void modified(Map<String, Object> properties) {
        current = new OperatorPolicy(properties);
    }

    /**
     * The policy in force: a new object after every configuration change, so a grant computed under one
     * stays valid exactly as long as this returns the same object.
     */
    public OperatorPolicy current() {
        return current;
    }

    @Override
    public Grant grant(PluginManifest manifest) {
        return current.grant(manifest);
    }

    @Override
    public void check(PluginManifest manifest) throws PluginException {
        current.check(manifest);
    }

    @Override
    public String name() {
        return "operator (etc/" + OperatorPolicy.PID + ".cfg)";
    }

    @Override
    public String toString() {
        return "the operator's policy (etc/" + OperatorPolicy.PID + ".cfg)";
    }
}

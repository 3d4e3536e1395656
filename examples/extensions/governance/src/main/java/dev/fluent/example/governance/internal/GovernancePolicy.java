package dev.fluent.example.governance.internal;

import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.api.spi.PolicyService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A governance policy beside the operator's own: one capability only for plugins signed by listed keys
 * (refused at load otherwise), and executions only within configured hours (refused per execution). It runs
 * only while its configuration exists, and takes a new one without a restart. Each answer is quick and reads
 * only the immutable {@link GovernanceRules} of the configuration in force, so it is safe on every thread.
 */
@Component(service = PolicyService.class, configurationPid = GovernanceRules.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = Constants.SERVICE_RANKING + ":Integer=100")
@Designate(ocd = GovernanceConfiguration.class)
public final class GovernancePolicy implements PolicyService {

    private final Clock clock;
    private volatile GovernanceRules rules;

    @Activate
    public GovernancePolicy(GovernanceConfiguration configuration) {
        this(configuration, Clock.systemUTC());
    }

    GovernancePolicy(GovernanceConfiguration configuration, Clock clock) {
        this.clock = clock;
        this.rules = rules(configuration);
    }

    @Modified
    void modified(GovernanceConfiguration configuration) {
        rules = rules(configuration);
    }

    private static GovernanceRules rules(GovernanceConfiguration c) {
        return new GovernanceRules(c.capability(), c.signer__keys(), c.hours(), c.zone());
    }

    @Override
    public void check(PluginManifest manifest) throws PluginException {
        rules.checkLoad(manifest, name());
    }

    @Override
    public void checkExecution(PluginManifest manifest) throws PluginException {
        rules.checkExecution(manifest, clock, name());
    }

    /** Leaves the grant as the policies below allow it, less the governed capability for an unlisted signer. */
    @Override
    public Grant narrow(PluginManifest manifest, Grant granted) {
        GovernanceRules current = rules;
        if (current.mayHold(manifest)) {
            return granted;
        }
        return new Grant(granted.pluginId(), without(granted.capabilities(), current.capability()),
                granted.permissions(), granted.allowedRoots(), granted.dataFolder(), granted.loopbackAllowed(),
                granted.privateAddressesAllowed(), withoutName(granted.extensionCapabilities(), current.capability()));
    }

    /**
     * Only where this policy is the only one (never inside the platform, whose own policy ranks 0 below it):
     * the manifest as asked, less the governed capability for an unlisted signer, no absolute paths.
     */
    @Override
    public Grant grant(PluginManifest manifest) {
        Grant asked = new Grant(manifest.name(), manifest.capabilities(), manifest.permissions(), List.of(),
                Path.of("plugin-data", manifest.name()), false, false, manifest.extensionCapabilities());
        return narrow(manifest, asked);
    }

    @Override
    public String name() {
        return "example governance" + GovernanceRules.WHERE;
    }

    private static Set<Capability> without(Set<Capability> capabilities, String name) {
        Set<Capability> rest = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
        rest.removeIf(c -> c.manifestName().equals(name));
        return rest;
    }

    private static Set<String> withoutName(Set<String> names, String name) {
        Set<String> rest = new TreeSet<>(names);
        rest.remove(name);
        return rest;
    }
}

package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A governance policy: caps on every limit, capabilities forbidden platform-wide or per plugin, the hosts
 * and folders that may ever be granted, whether loopback and private addresses may be, when plugins may run.
 * A plugin gets {@code manifest ∩ policy}, never more. The policy may change at any time; a grant is asked for
 * per execution, so a change applies to the next one.
 *
 * <p>Every registered policy service is consulted, the platform's own (the operator's configuration,
 * ranking 0) and those of other bundles alike: at load and reload ({@link #check}), and before each execution
 * ({@link #checkExecution}, {@link #narrow}). All must allow. The grant an execution gets starts as the lowest
 * ranked policy's (the platform's own) {@link #grant}; each policy ranked above it may then narrow it
 * ({@link #narrow}), and none can widen it: the platform intersects every answer with what it was given. A
 * refusal names the policy ({@link #name}) and is audited with its reason. A policy that throws anything but a
 * {@link PluginException} refuses (the platform fails closed).
 */
@ProviderType
public interface PolicyService {

    /**
     * What a plugin with this manifest may use now: the manifest's capabilities less the forbidden ones,
     * every limit capped, hosts and absolute paths outside the policy dropped.
     */
    Grant grant(PluginManifest manifest);

    /**
     * The load-time check: refuses a manifest that declares a capability the policy forbids.
     *
     * @throws PluginException {@link ErrorCode#CAPABILITY_NOT_GRANTED} naming the capability and the policy key
     */
    void check(PluginManifest manifest) throws PluginException;

    /**
     * The check before each execution, after the load-time one passed: refuses one execution (outside the
     * hours a policy allows, for instance) without unloading the plugin. Must be quick: it runs on the
     * caller's thread before every execution. Allows everything unless overridden.
     *
     * @throws PluginException {@link ErrorCode#POLICY_REFUSED} (or another code) saying why and what would allow it
     */
    default void checkExecution(PluginManifest manifest) throws PluginException {
    }

    /**
     * Narrows the grant the policies ranked below this one allow, when this one is not the lowest ranked:
     * returns {@code granted} or less (the platform intersects the answer with {@code granted}). By default,
     * what both {@code granted} and this policy's own {@link #grant} allow; a policy that only refuses returns
     * {@code granted} unchanged.
     */
    default Grant narrow(PluginManifest manifest, Grant granted) {
        return granted.intersect(grant(manifest));
    }

    /** The policy's name, as refusals and audit entries show it: its class name unless it says otherwise. */
    default String name() {
        return getClass().getName();
    }
}

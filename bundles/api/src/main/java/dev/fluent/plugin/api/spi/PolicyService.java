package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The operator's policy: caps on every limit, capabilities forbidden platform-wide or per plugin, the hosts
 * and folders that may ever be granted, whether loopback and private addresses may be. A plugin gets
 * {@code manifest ∩ policy}, never more. The policy may change at any time; a grant is asked for per
 * execution, so a change applies to the next one.
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
}

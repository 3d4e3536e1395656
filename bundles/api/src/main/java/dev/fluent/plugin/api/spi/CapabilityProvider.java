package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.Capability;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implements one capability as host functions of import module {@code fluent}. Each provider is an OSGi
 * service; the runtime links, for each plugin, only the providers of the capabilities the plugin holds
 * (declared in its manifest and allowed by the operator's policy). Stopping a provider suspends the plugins
 * that import its functions (their executions fail with {@code CAPABILITY_UNAVAILABLE}); starting one
 * resumes them. With several providers of one capability, the one of highest {@code service.ranking} serves.
 *
 * <p>The functions of {@link StandardHostFunction} must keep their standard types; a provider may add
 * functions of its own, which plugins can then import by name.
 */
@ConsumerType
public interface CapabilityProvider {

    /** The capability a plugin must hold to call {@link #functions()}. */
    Capability capability();

    /** The host functions, each with a distinct name; the same list on every call. */
    List<HostFunctionDefinition> functions();
}

package dev.fluent.plugin.api.spi;

import dev.fluent.plugin.api.Capability;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implements one capability as host functions. Each provider is an OSGi service; the runtime links, for each
 * plugin, only the providers of the capabilities the plugin holds (declared in its manifest and allowed by the
 * operator's policy). Stopping a provider suspends the plugins that need it (their executions fail with
 * {@code CAPABILITY_UNAVAILABLE}); starting one resumes them. With several providers of one capability, the one
 * of highest {@code service.ranking} serves.
 *
 * <p>A provider of one of the eight standard capabilities overrides {@link #capability()}; its functions live
 * in import module {@code fluent} and are those of {@link StandardHostFunction}, with their standard types.
 *
 * <p>A provider of any other capability overrides {@link #capabilityName()} with a name in reverse-domain
 * form ({@code com.example.SqlQuery}) and {@link #importModule()} with a module of its own
 * ({@code com.example.sql}); its functions are its own, with the types it declares. A plugin must declare the
 * capability in its manifest to import any function of that module. The runtime refuses a provider whose
 * module another capability's provider already serves.
 *
 * <p>Every call of a provider's functions runs on the execution's thread while the guest waits: a handler
 * must be thread-safe, bound its work per call, and never block longer than {@link HostCall#remainingTime()}.
 */
@ConsumerType
public interface CapabilityProvider {

    /**
     * The standard capability a plugin must hold to call {@link #functions()}, or {@code null} for a capability
     * outside the standard eight (then {@link #capabilityName()} names it).
     */
    default Capability capability() {
        return Capability.fromManifestName(capabilityName()).orElse(null);
    }

    /**
     * The name of the capability as manifests write it: a standard name ({@code NetworkAccess}) or one in
     * reverse-domain form. A provider overrides this or {@link #capability()}.
     */
    default String capabilityName() {
        Capability standard = capability();
        return standard == null ? null : standard.manifestName();
    }

    /**
     * The WebAssembly import module of {@link #functions()}: {@code fluent} for a standard capability; for
     * another, a module of its own in lower-case dotted form (e.g. {@code com.example.sql}).
     */
    default String importModule() {
        return "fluent";
    }

    /**
     * How many calls of this provider's functions one execution may make; a call beyond it ends that
     * execution with {@code LIMIT_EXCEEDED}, audited. Limits of the provider's own (rows, bytes) it enforces
     * itself, per execution, with {@link HostCall#count}.
     */
    default int maxCallsPerExecution() {
        return Integer.MAX_VALUE;
    }

    /** The host functions, each with a distinct name; the same list on every call. */
    List<HostFunctionDefinition> functions();
}

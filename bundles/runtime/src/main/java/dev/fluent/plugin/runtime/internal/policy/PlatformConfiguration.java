package dev.fluent.plugin.runtime.internal.policy;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The platform's configuration, {@code etc/dev.fluent.plugin.cfg}: the runtime's own settings and the
 * operator's policy ({@link OperatorPolicy}). Method names map to the file's keys by the Declarative Services
 * rules ({@code development_mode} is {@code development.mode}, {@code max__memory__mb} is
 * {@code max_memory_mb}). A policy key may also be set for one plugin by appending {@code .<plugin-id>}; those
 * keys name plugins, so they are read from the configuration's properties, not declared here.
 */
@ObjectClassDefinition(name = "Fluent Plugin Platform",
        description = "The runtime's settings and the operator's policy: what any plugin may get at most.")
public @interface PlatformConfiguration {

    @AttributeDefinition(name = "Development mode", description = "Unsigned plugins load, and the development"
            + " keys are trusted. Never in production.")
    boolean development_mode() default false;

    @AttributeDefinition(name = "Compile lazily", description = "Compile plugins on first use instead of at"
            + " load: faster starts, slower first executions.")
    boolean lazy_compile() default false;

    @AttributeDefinition(name = "Warm-up budget (ms)", min = "0", description = "The most time a load spends"
            + " running the payloads a manifest declares under warmup, again and again until the JVM has compiled"
            + " the plugin's code, so that its first request runs as fast as later ones. The engine is registered"
            + " after its warm-up; a reload keeps the previous version serving meanwhile. 0: no warm-up.")
    long warmup__budget__ms() default 5000;

    @AttributeDefinition(name = "Memory budget (% of heap)", min = "1", max = "100", description = "The share of"
            + " the JVM's heap that loaded plugins may reserve between them. A plugin is loaded only if its worst"
            + " case (max_memory_mb for each instance of its pool, plus its compiled code) fits in what is left;"
            + " otherwise the load fails with INSUFFICIENT_MEMORY.")
    int memory__budget__percent() default 70;

    @AttributeDefinition(name = "Pool size", min = "1", max = "64", description = "Instances of one plugin, so"
            + " executions of it that run at once; one more waits briefly, then gets BUSY. Applies to plugins"
            + " loaded after a change.")
    int pool__size() default 8;

    @AttributeDefinition(name = "Idle time (s)", min = "1", description = "How long instances above the first"
            + " may stay unused before they are dropped (between one and two such periods).")
    long pool__idle__seconds() default 60;

    @AttributeDefinition(name = "Memory cap (MiB)", required = false, type = AttributeType.LONG, min = "1", description = "The most"
            + " max_memory_mb a manifest may ask; a manifest asking more is refused at load. Unset: no cap.")
    String max__memory__mb();

    @AttributeDefinition(name = "Time cap (ms)", required = false, type = AttributeType.LONG, min = "1",
            description = "The most max_execution_time_ms a plugin gets. Unset: no cap.")
    String max__execution__time__ms();

    @AttributeDefinition(name = "Network requests cap", required = false, type = AttributeType.LONG, min = "0",
            description = "The most max_network_requests a plugin gets per execution. Unset: no cap.")
    String max__network__requests();

    @AttributeDefinition(name = "File size cap (MiB)", required = false, type = AttributeType.LONG, min = "0",
            description = "The most max_file_size_mb a plugin gets. Unset: no cap.")
    String max__file__size__mb();

    @AttributeDefinition(name = "Rate cap (per minute)", required = false, type = AttributeType.LONG, min = "1",
            description = "The most rate_limit_requests_per_minute a plugin gets. Unset: no cap.")
    String rate__limit__requests__per__minute();

    @AttributeDefinition(name = "Forbidden capabilities", required = false, description = "Capabilities no"
            + " plugin may hold (comma-separated, e.g. NetworkAccess, EnvironmentAccess, com.example.SqlQuery); a"
            + " manifest declaring one is refused at load.")
    String forbidden__capabilities();

    @AttributeDefinition(name = "Await capabilities", type = AttributeType.BOOLEAN, description = "A plugin that"
            + " declares a capability outside the standard eight (reverse-domain name) that no installed bundle"
            + " serves loads suspended, its executions failing with CAPABILITY_UNAVAILABLE until a provider starts."
            + " Off: such a plugin is refused at load.")
    boolean await__capabilities() default false;

    @AttributeDefinition(name = "Allowed hosts", required = false, description = "The allowed_hosts entries"
            + " that may ever be granted (comma-separated, manifest syntax). Unset: any host a manifest names.")
    String allowed__hosts();

    @AttributeDefinition(name = "Allowed roots", required = false, description = "Folders inside which absolute"
            + " allowed_file_paths may lie (comma-separated). Unset: none, only the plugin's data folder.")
    String allowed__roots();

    @AttributeDefinition(name = "Allow loopback", type = AttributeType.BOOLEAN,
            description = "Network requests may reach loopback addresses.")
    boolean allow__loopback() default false;

    @AttributeDefinition(name = "Allow private addresses", type = AttributeType.BOOLEAN,
            description = "Network requests may reach private and link-local (cloud metadata) addresses.")
    boolean allow__private__addresses() default false;

    @AttributeDefinition(name = "Require an expiry", type = AttributeType.BOOLEAN, description = "Refuse at load"
            + " a plugin whose manifest has no expires_at (one that would never expire).")
    boolean require__expires__at() default false;

    @AttributeDefinition(name = "Plugin data folder", required = false, description = "The folder holding each"
            + " plugin's data folder. Unset: ${karaf.data}/fluent-plugin/plugin-data.")
    String plugin__data__dir();
}

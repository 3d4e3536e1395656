package dev.fluent.plugin.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** {@code etc/dev.fluent.plugin.cluster.cfg}. A change restarts this node's member with the new settings. */
@ObjectClassDefinition(name = "Fluent Plugin Platform cluster",
        description = "This node's member of the cluster: one plugin catalogue, replicated revocations.")
public @interface ClusterConfig {

    String PID = "dev.fluent.plugin.cluster";

    @AttributeDefinition(description = "Whether this node joins the cluster; off, it is a single platform as before.")
    boolean enabled() default false;

    @AttributeDefinition(name = "cluster.name", description = "Only members with the same name form a cluster.")
    String cluster_name() default "fluent";

    @AttributeDefinition(description = "This node's member port (TCP).")
    int port() default 5701;

    @AttributeDefinition(description = "The other members, comma-separated host:port (TCP/IP join; multicast is "
            + "never used). This node's own address may be listed too.")
    String members() default "";

    @AttributeDefinition(name = "bind.address", description = "The address the member port binds to and is "
            + "reached at; loopback by default, so nothing outside this machine can reach it until the operator "
            + "says so.")
    String bind_address() default "127.0.0.1";

    @AttributeDefinition(name = "converge.interval.seconds", description = "How often the node checks its "
            + "loaded plugins against the catalogue, besides the changes it hears of at once.")
    int converge_interval_seconds() default 5;
}

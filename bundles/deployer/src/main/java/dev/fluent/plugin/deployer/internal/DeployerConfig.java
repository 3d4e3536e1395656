package dev.fluent.plugin.deployer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Fluent plugin deployer",
        description = "The watched plugin folder: plugin folders, .zip archives and .mvn files naming a Maven "
                + "artifact dropped there are loaded, "
                + "reloaded when they change and unloaded when removed.")
@interface DeployerConfig {

    @AttributeDefinition(description = "The watched folder; empty means ${karaf.base}/plugins")
    String folder() default "";

    @AttributeDefinition(description = "How often the folder is scanned, in milliseconds")
    long scan_interval_ms() default 1000;

    @AttributeDefinition(description = "Whether the folder is watched at all")
    boolean enabled() default true;
}

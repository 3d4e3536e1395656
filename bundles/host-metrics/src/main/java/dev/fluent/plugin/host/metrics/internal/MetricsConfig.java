package dev.fluent.plugin.host.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.host.metrics}; the key is optional. docs/capabilities.md
 * describes it. The method name gives the key by the rules of Declarative Services: {@code __} stands for
 * {@code _}, so {@code max__metrics__per__plugin()} is {@code max_metrics_per_plugin}. A {@code long}, as it
 * always was read, so that a value past a bound is brought within it rather than refused. Public for the
 * command line, which builds the provider outside OSGi.
 */
@ObjectClassDefinition(name = "Fluent Plugin Platform: MetricsAccess",
        description = "Bounds of the counters, gauges and timers plugins record.")
public @interface MetricsConfig {

    @AttributeDefinition(name = "Metrics per plugin", min = "1", max = "10000",
            description = "Metric names one plugin may have; one more fails the execution with LIMIT_EXCEEDED.")
    long max__metrics__per__plugin() default MetricsProvider.MAX_METRICS;
}

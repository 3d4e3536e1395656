package dev.fluent.plugin.host.logging.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.host.logging}; every key is optional. docs/capabilities.md
 * describes them. The method names give the keys by the rules of Declarative Services: {@code __} stands
 * for {@code _}, so {@code lines__per__minute()} is {@code lines_per_minute}. Whole numbers are {@code long},
 * as they always were read, so that a value past a bound is brought within it rather than refused. Public
 * for the command line, which builds the provider outside OSGi.
 */
@ObjectClassDefinition(name = "Fluent Plugin Platform: LoggingAccess",
        description = "Caps on the lines plugins write to the container's log, under logger "
                + "dev.fluent.plugin.guest.<plugin-id>.")
public @interface LoggingConfig {

    @AttributeDefinition(name = "Lines per minute", min = "1", max = "1000000",
            description = "Lines one plugin may log per minute (a token bucket); beyond, lines are dropped and "
                    + "the drop is audited once per execution.")
    long lines__per__minute() default 600;

    @AttributeDefinition(name = "Log calls per execution", min = "1", max = "1000000",
            description = "log calls one execution may make; one more is a log flood and fails the execution "
                    + "with LIMIT_EXCEEDED.")
    long max__calls__per__execution() default 1000;

    @AttributeDefinition(name = "Longest line (bytes)", min = "80", max = "1048576",
            description = "Longest line kept; the rest is cut.")
    long max__line__bytes() default 4096;
}

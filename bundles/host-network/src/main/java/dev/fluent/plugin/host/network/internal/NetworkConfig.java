package dev.fluent.plugin.host.network.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.host.network}; every key is optional. docs/capabilities.md
 * describes them. The method names give the keys by the rules of Declarative Services: {@code __} stands
 * for {@code _}, so {@code max__response__bytes()} is {@code max_response_bytes}. Whole numbers are
 * {@code long}, as they always were read, so that a value past a bound is brought within it rather than
 * refused. Public for the
 * command line, which builds the provider outside OSGi.
 */
@ObjectClassDefinition(name = "Fluent Plugin Platform: NetworkAccess",
        description = "Limits of the HTTP client plugins reach their allowed hosts through. Every wait is also "
                + "cut to the time the execution has left.")
public @interface NetworkConfig {

    @AttributeDefinition(name = "Largest response (bytes)", min = "1", max = "16777216",
            description = "Largest response body; a larger one fails the execution with LIMIT_EXCEEDED, without "
                    + "being buffered.")
    long max__response__bytes() default 4 * 1024 * 1024;

    @AttributeDefinition(name = "Largest request body (bytes)", min = "0", max = "16777216",
            description = "Largest request body a plugin may send (LIMIT_EXCEEDED beyond).")
    long max__request__body__bytes() default 4 * 1024 * 1024;

    @AttributeDefinition(name = "Connect timeout (ms)", min = "1", max = "600000",
            description = "Longest wait for a connection.")
    long connect__timeout__ms() default 10_000;

    @AttributeDefinition(name = "Request timeout (ms)", min = "1", max = "3600000",
            description = "Longest wait for one exchange.")
    long request__timeout__ms() default 30_000;

    @AttributeDefinition(name = "Redirects", min = "0", max = "20",
            description = "Redirects followed per request, each checked like the request; one more returns -2.")
    long max__redirects() default 5;
}

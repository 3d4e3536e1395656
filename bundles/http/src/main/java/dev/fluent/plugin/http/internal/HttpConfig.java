package dev.fluent.plugin.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.http} ({@code etc/dev.fluent.plugin.http.cfg}); every key is
 * optional. The listening address and port are pax-web's ({@code etc/org.ops4j.pax.web.cfg}); docs/http-api.md
 * describes both.
 */
@ObjectClassDefinition(id = HttpConfig.PID, name = "Fluent Plugin Platform: HTTP API and metrics",
        description = "Who may call the REST API and the metrics endpoint, and with which roles.")
public @interface HttpConfig {

    String PID = "dev.fluent.plugin.http";

    @AttributeDefinition(name = "JAAS realm",
            description = "The realm HTTP Basic credentials are checked against (Karaf's users.properties by default).")
    String realm() default "karaf";

    @AttributeDefinition(name = "Read role",
            description = "Role that may list and show plugins, read statistics, the audit log, the metrics and the "
                    + "OpenAPI document.")
    String role_read() default "viewer";

    @AttributeDefinition(name = "Execute role", description = "Role that may run requests through plugins.")
    String role_execute() default "manager";

    @AttributeDefinition(name = "Admin role", description = "Role that may load, reload and unload plugins.")
    String role_admin() default "admin";

    @AttributeDefinition(name = "Bearer tokens",
            description = "Tokens for programs, one entry each: <name>:<sha256-hex-of-the-token>:<role>|<role>… "
                    + "(entries may also be separated by commas). Only the SHA-256 of a token is configured, never "
                    + "the token; the name is what the audit log records as the caller.")
    String[] tokens() default {};

    @AttributeDefinition(name = "Anonymous metrics",
            description = "Serve /metrics without credentials (for a scraper on the same machine). Off: the "
                    + "metrics need the read role, like the API.")
    boolean metrics_anonymous() default false;

    @AttributeDefinition(name = "Largest request body (KiB)", min = "1",
            description = "A request body past this size is refused with 413 before it is parsed.")
    int max_body_kib() default 4096;
}

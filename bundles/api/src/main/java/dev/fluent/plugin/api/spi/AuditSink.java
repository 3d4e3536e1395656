package dev.fluent.plugin.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives every audit event. Called on the request path: an implementation must return quickly and
 * never throw.
 */
@ConsumerType
public interface AuditSink {

    void record(AuditEvent event);
}

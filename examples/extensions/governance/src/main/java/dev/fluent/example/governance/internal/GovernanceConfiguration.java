package dev.fluent.example.governance.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code etc/dev.fluent.example.governance.cfg}. Method names map to keys by the Declarative Services rules:
 * {@code signer__keys} is {@code signer_keys}.
 */
@ObjectClassDefinition(name = "Governance policy (extension kit)",
        description = "Which signers' plugins may hold one capability, and when plugins may run.")
public @interface GovernanceConfiguration {

    @AttributeDefinition(name = "Capability", description = "The capability only plugins of the listed signers"
            + " may declare, as manifests name it (NetworkAccess, dev.fluent.example.SqlQuery …).")
    String capability();

    @AttributeDefinition(name = "Signer keys", required = false, description = "Comma-separated key ids (32 hex"
            + " digits, as plugin:trust list shows them) whose plugins may declare the capability. Empty: none.")
    String signer__keys() default "";

    @AttributeDefinition(name = "Hours", description = "When executions are allowed, HH:MM-HH:MM; a window that"
            + " ends before it starts runs past midnight. 00:00-24:00 allows every hour.")
    String hours() default "00:00-24:00";

    @AttributeDefinition(name = "Time zone", description = "The zone the hours are in, e.g. UTC or Europe/Paris.")
    String zone() default "UTC";
}

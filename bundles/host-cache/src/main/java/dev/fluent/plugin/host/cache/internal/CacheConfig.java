package dev.fluent.plugin.host.cache.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code dev.fluent.plugin.host.cache}; every key is optional. docs/capabilities.md
 * describes them. The method names give the keys by the rules of Declarative Services: {@code __} stands
 * for {@code _}, so {@code max__bytes__per__plugin()} is {@code max_bytes_per_plugin}. Whole numbers are
 * {@code long}, as they always were read, so that a value past a bound is brought within it rather than
 * refused. Public for the
 * command line, which builds the provider outside OSGi.
 */
@ObjectClassDefinition(name = "Fluent Plugin Platform: CacheAccess",
        description = "Bounds of the key-value cache each plugin has to itself.")
public @interface CacheConfig {

    @AttributeDefinition(name = "Bytes per plugin", min = "1024", max = "1073741824",
            description = "Bytes of keys and values one plugin's namespace holds; the least recently used "
                    + "entries make room. An execution that writes more than this is a cache flood and fails "
                    + "with LIMIT_EXCEEDED.")
    long max__bytes__per__plugin() default 1024 * 1024;

    @AttributeDefinition(name = "Entries per plugin", min = "1", max = "1000000",
            description = "Entries one plugin's namespace holds; the least recently used make room.")
    long max__entries__per__plugin() default 10_000;

    @AttributeDefinition(name = "Largest value (bytes)", min = "1", max = "16777216",
            description = "Largest value a plugin may put (LIMIT_EXCEEDED beyond); never more than the bytes "
                    + "per plugin.")
    long max__value__bytes() default 256 * 1024;

    @AttributeDefinition(name = "Default expiry (seconds)", min = "1", max = "31536000",
            description = "Expiry of a value put with ttl 0.")
    long default__ttl__seconds() default 300;

    @AttributeDefinition(name = "Longest expiry (seconds)", min = "1", max = "31536000",
            description = "Longest expiry; longer ones are shortened to it.")
    long max__ttl__seconds() default 86_400;
}

package dev.fluent.plugin.sources.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginSources;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plugin's Maven coordinates, {@code mvn:<group>/<artifact>/<version>/zip[/<classifier>]}. Stricter than
 * pax-url's syntax on purpose: no repository inside the URL ({@code mvn:https://host!g/a/v}), so which
 * repositories plugins come from stays the operator's setting in {@code etc/org.ops4j.pax.url.mvn.cfg}, and the
 * type is {@code zip}, the archive {@code fluent-plugin package} writes.
 */
record MavenLocation(String group, String artifact, String version, String classifier) {

    private static final String PART = "[A-Za-z0-9_.\\-]+";
    private static final Pattern SYNTAX = Pattern.compile(
            "mvn:(" + PART + ")/(" + PART + ")/(" + PART + ")/(" + PART + ")(?:/(" + PART + "))?");

    static MavenLocation parse(String location) throws PluginException {
        Matcher m = SYNTAX.matcher(location);
        if (!m.matches()) {
            throw new PluginException(ErrorCode.ARTIFACT_UNAVAILABLE, null, location + " is not a plugin artifact "
                    + "location; write " + PluginSources.MAVEN_PREFIX + "<group>/<artifact>/<version>/zip (the "
                    + "repositories come from etc/org.ops4j.pax.url.mvn.cfg, not from the location)");
        }
        if (!"zip".equals(m.group(4))) {
            throw new PluginException(ErrorCode.ARTIFACT_UNAVAILABLE, null, location + " names an artifact of type '"
                    + m.group(4) + "'; a plugin is published as a zip: " + PluginSources.MAVEN_PREFIX + m.group(1)
                    + "/" + m.group(2) + "/" + m.group(3) + "/zip");
        }
        return new MavenLocation(m.group(1), m.group(2), m.group(3), m.group(5));
    }

    /** The location in pax-url's form, as the container's {@code mvn:} URL handler reads it. */
    String url() {
        return PluginSources.MAVEN_PREFIX + group + "/" + artifact + "/" + version + "/zip"
                + (classifier == null ? "" : "/" + classifier);
    }

    @Override
    public String toString() {
        return url();
    }
}

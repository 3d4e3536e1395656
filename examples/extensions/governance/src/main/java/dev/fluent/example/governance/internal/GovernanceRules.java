package dev.fluent.example.governance.internal;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginManifest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules of one configuration, checked without OSGi: who may hold the governed capability, and the window
 * in which executions may start. Immutable: a new configuration makes new rules.
 */
final class GovernanceRules {

    static final String PID = "dev.fluent.example.governance";
    static final String WHERE = " (etc/" + PID + ".cfg)";

    private static final Pattern WINDOW = Pattern.compile("(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{32}");

    private final String capability;
    private final Set<String> signers;
    /** Minutes of the day: executions start in [from, to), or outside [to, from) when to < from. */
    private final int from;
    private final int to;
    private final ZoneId zone;
    private final String hours;

    GovernanceRules(String capability, String signerKeys, String hours, String zone) {
        if (capability == null || capability.isBlank()) {
            throw new IllegalArgumentException("capability is not set" + WHERE + "; name the capability to govern");
        }
        this.capability = capability.trim();
        this.signers = Arrays.stream(signerKeys == null ? new String[0] : signerKeys.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        for (String key : signers) {
            if (!KEY_ID.matcher(key).matches()) {
                throw new IllegalArgumentException("signer_keys" + WHERE + ": '" + key + "' is not a key id (32"
                        + " lower-case hex digits, as plugin:trust list shows them)");
            }
        }
        Matcher m = WINDOW.matcher(hours == null ? "" : hours.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("hours" + WHERE + ": '" + hours + "' is not HH:MM-HH:MM");
        }
        this.from = minutes(m.group(1), m.group(2));
        this.to = minutes(m.group(3), m.group(4));
        this.hours = hours.trim();
        try {
            this.zone = ZoneId.of(zone == null ? "UTC" : zone.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("zone" + WHERE + ": '" + zone + "' is not a time zone", e);
        }
    }

    private static int minutes(String h, String m) {
        int hour = Integer.parseInt(h);
        int minute = Integer.parseInt(m);
        if (hour > 24 || minute > 59 || (hour == 24 && minute != 0)) {
            throw new IllegalArgumentException("hours" + WHERE + ": " + h + ":" + m + " is not a time of day");
        }
        return hour * 60 + minute;
    }

    String capability() {
        return capability;
    }

    /** Whether a plugin with this manifest may hold the governed capability: it does not ask, or a listed key signed it. */
    boolean mayHold(PluginManifest manifest) {
        String signer = manifest.signatureKeyId();
        return !manifest.requests(capability) || (signer != null && signers.contains(signer));
    }

    void checkLoad(PluginManifest manifest, String policy) throws PluginException {
        if (!mayHold(manifest)) {
            String signer = manifest.signatureKeyId();
            throw new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "plugin " + manifest.name()
                    + " declares " + capability + ", which policy " + policy + " allows only to plugins signed by"
                    + " the keys in signer_keys" + WHERE + "; it is "
                    + (signer == null ? "unsigned" : "signed by key " + signer)
                    + ". Add that key to signer_keys, or remove the capability from the manifest");
        }
    }

    void checkExecution(PluginManifest manifest, Clock clock, String policy) throws PluginException {
        LocalTime now = LocalTime.now(clock.withZone(zone));
        int minute = now.getHour() * 60 + now.getMinute();
        boolean open = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
        if (!open) {
            throw new PluginException(ErrorCode.POLICY_REFUSED, manifest.name(), "policy " + policy
                    + " allows executions only between " + hours + " " + zone + " (hours in etc/" + PID + ".cfg); it is "
                    + String.format("%02d:%02d", now.getHour(), now.getMinute()) + " now");
        }
    }
}

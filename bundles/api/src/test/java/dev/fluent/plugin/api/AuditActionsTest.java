package dev.fluent.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuditActionsTest {

    /**
     * Every action and the topic the audit bundle posted its entries on before the rule moved into the API
     * (the external contract: event handlers subscribe to these).
     */
    private static final Map<String, String> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put(AuditActions.LOAD, "dev/fluent/plugin/audit/LOAD");
        TOPICS.put(AuditActions.RELOAD, "dev/fluent/plugin/audit/RELOAD");
        TOPICS.put(AuditActions.UNLOAD, "dev/fluent/plugin/audit/UNLOAD");
        TOPICS.put(AuditActions.FETCH, "dev/fluent/plugin/audit/FETCH");
        TOPICS.put(AuditActions.EXECUTE, "dev/fluent/plugin/audit/EXECUTE");
        TOPICS.put(AuditActions.SUSPEND, "dev/fluent/plugin/audit/SUSPEND");
        TOPICS.put(AuditActions.RESUME, "dev/fluent/plugin/audit/RESUME");
        TOPICS.put(AuditActions.OWNER, "dev/fluent/plugin/audit/OWNER");
        TOPICS.put(AuditActions.ROLLBACK, "dev/fluent/plugin/audit/ROLLBACK");
        TOPICS.put(AuditActions.SELF_TEST, "dev/fluent/plugin/audit/SELF-TEST");
        TOPICS.put(AuditActions.TRUST, "dev/fluent/plugin/audit/TRUST");
        TOPICS.put(AuditActions.SECURITY_TEST, "dev/fluent/plugin/audit/SECURITY-TEST");
        TOPICS.put(AuditActions.AUDIT_RECOVERY, "dev/fluent/plugin/audit/AUDIT_RECOVERY");
        TOPICS.put(AuditActions.AUDIT_OVERFLOW, "dev/fluent/plugin/audit/AUDIT_OVERFLOW");
        TOPICS.put(AuditActions.AUDIT_SUPPRESSED, "dev/fluent/plugin/audit/AUDIT_SUPPRESSED");
        TOPICS.put(AuditActions.AUDIT_ACKNOWLEDGE, "dev/fluent/plugin/audit/AUDIT_ACKNOWLEDGE");
        TOPICS.put(AuditActions.AUDIT_RETENTION, "dev/fluent/plugin/audit/AUDIT_RETENTION");
        TOPICS.put(AuditActions.HTTP_REQUEST, "dev/fluent/plugin/audit/HTTP_REQUEST");
        TOPICS.put(AuditActions.FS_READ, "dev/fluent/plugin/audit/FS_READ");
        TOPICS.put(AuditActions.FS_WRITE, "dev/fluent/plugin/audit/FS_WRITE");
        TOPICS.put(AuditActions.ENV_GET, "dev/fluent/plugin/audit/ENV_GET");
        TOPICS.put(AuditActions.CONFIG_GET, "dev/fluent/plugin/audit/CONFIG_GET");
        TOPICS.put(AuditActions.CACHE_GET, "dev/fluent/plugin/audit/CACHE_GET");
        TOPICS.put(AuditActions.CACHE_PUT, "dev/fluent/plugin/audit/CACHE_PUT");
        TOPICS.put(AuditActions.LOG, "dev/fluent/plugin/audit/LOG");
        TOPICS.put(AuditActions.METRIC, "dev/fluent/plugin/audit/METRIC");
    }

    /** The audit bundle's topic rule as it was (AuditEvents.topic), kept to compare the API's against. */
    private static String topicAsPostedBefore(String action) {
        StringBuilder b = new StringBuilder("dev/fluent/plugin/audit/");
        String upper = action.toUpperCase(Locale.ROOT);
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            b.append(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' ? c : '_');
        }
        if (upper.isEmpty()) {
            b.append("UNKNOWN");
        }
        return b.toString();
    }

    /** The actions, by field name: every public static final String of the class but the topic constants. */
    private static Map<String, String> actionFields() throws IllegalAccessException {
        Map<String, String> actions = new TreeMap<>();
        for (Field f : AuditActions.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class
                    && !f.getName().startsWith("TOPIC_")) {
                actions.put(f.getName(), (String) f.get(null));
            }
        }
        return actions;
    }

    @Test
    void everyActionMapsToTheTopicPostedBefore() {
        TOPICS.forEach((action, topic) -> {
            assertEquals(topic, AuditActions.topic(action), action);
            assertEquals(topicAsPostedBefore(action), AuditActions.topic(action), action);
        });
    }

    @Test
    void theTableAboveListsEveryConstant() throws IllegalAccessException {
        Map<String, String> fields = actionFields();
        assertEquals(new HashSet<>(fields.values()), TOPICS.keySet(), "constants " + fields);
        assertEquals(fields.size(), new HashSet<>(fields.values()).size(), "two constants share a name: " + fields);
        fields.forEach((name, action) -> assertEquals(name, action.toUpperCase(Locale.ROOT).replace('-', '_'),
                "a constant is named after its value"));
    }

    @Test
    void distinctActionsHaveDistinctTopics() {
        Set<String> topics = TOPICS.keySet().stream().map(AuditActions::topic).collect(Collectors.toSet());
        assertEquals(TOPICS.size(), topics.size());
    }

    @Test
    void hostFunctionActionsAreTheFunctionNames() throws IllegalAccessException {
        Set<String> actions = new HashSet<>(actionFields().values());
        for (StandardHostFunction f : StandardHostFunction.values()) {
            if (f.capability().isPresent()) {
                assertTrue(actions.contains(f.functionName()), "no constant for host function " + f.functionName());
                assertEquals(f.functionName(), actionFields().get(f.name()), f.name());
            }
        }
    }

    @Test
    void prefixAndWildcard() {
        assertEquals("dev/fluent/plugin/audit/", AuditActions.TOPIC_PREFIX);
        assertEquals("dev/fluent/plugin/audit/*", AuditActions.TOPIC_ALL);
        TOPICS.keySet().forEach(a -> assertTrue(AuditActions.topic(a).startsWith(AuditActions.TOPIC_PREFIX)));
    }

    @Test
    void oddCharactersBecomeUnderscoresAsBefore() {
        assertEquals("dev/fluent/plugin/audit/NET_REQUEST_", AuditActions.topic("net.request/"));
        assertEquals("dev/fluent/plugin/audit/UNKNOWN", AuditActions.topic(""));
        assertEquals("dev/fluent/plugin/audit/A_B_C__", AuditActions.topic("a b*c>\n"));
        assertEquals("dev/fluent/plugin/audit/MY_ACTION-2", AuditActions.topic("My_Action-2"));
        assertEquals("dev/fluent/plugin/audit/_", AuditActions.topic(" "));
        assertEquals("dev/fluent/plugin/audit/___", AuditActions.topic("/#/"));
        // Letters outside A-Z are replaced after upper-casing; upper-casing may change the length.
        assertEquals("dev/fluent/plugin/audit/CAF_", AuditActions.topic("café"));
        assertEquals("dev/fluent/plugin/audit/STRASSE", AuditActions.topic("straße"));
        assertEquals("dev/fluent/plugin/audit/FI", AuditActions.topic("\uFB01"));
        assertEquals("dev/fluent/plugin/audit/I", AuditActions.topic("\u0131"));
        // A character outside the BMP is two chars, each replaced; so is a lone surrogate.
        assertEquals("dev/fluent/plugin/audit/__", AuditActions.topic("\uD83D\uDE00"));
        assertEquals("dev/fluent/plugin/audit/_", AuditActions.topic("\uD83D"));
        assertEquals("dev/fluent/plugin/audit/_", AuditActions.topic("\u0000"));
        for (String odd : new String[] {"net.request/", "", "a b*c>\n", "café", "straße", "\uFB01", "\u0131",
                "\uD83D\uDE00", "\uD83D", "\u0000", "İstanbul", "ǅ", "ΣΊΣΥΦΟΣ"}) {
            assertEquals(topicAsPostedBefore(odd), AuditActions.topic(odd), odd);
        }
    }

    @Test
    void anyTextGivesTheTopicPostedBefore() {
        Random random = new Random(20261206);
        char[] alphabet = "aZz09_-./* \t\u00e9\u00df\u0131\u0130\uFB01\uD83D\uDE00#".toCharArray();
        for (int n = 0; n < 10_000; n++) {
            char[] text = new char[random.nextInt(12)];
            for (int i = 0; i < text.length; i++) {
                text[i] = random.nextBoolean()
                        ? alphabet[random.nextInt(alphabet.length)]
                        : (char) random.nextInt(0x3000);
            }
            String action = new String(text);
            String topic = AuditActions.topic(action);
            assertEquals(topicAsPostedBefore(action), topic, Arrays.toString(text));
            assertTrue(topic.substring(AuditActions.TOPIC_PREFIX.length()).matches("[A-Z0-9_-]+"), topic);
        }
    }

    @Test
    void nullIsRefused() {
        assertThrows(NullPointerException.class, () -> AuditActions.topic(null));
    }
}

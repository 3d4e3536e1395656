package dev.fluent.plugin.runtime.internal.abi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.SafeText;
import java.io.IOException;

/**
 * The members of one response frame (docs/abi.md §4) as read from Jackson's streaming parser, checked
 * afterwards in a fixed order: an error member wins over anything else, wherever it stands. A member given
 * twice in one object is refused, so that two readers of the same frame cannot see two different answers.
 *
 * <p>Every execution decodes one frame, so the common case allocates nothing beyond the answer itself: the
 * members the ABI names are told apart by one bit each, and only a name the host does not know goes into a
 * {@link Members} list, made when the first one appears. The parser is asked for the members in the order
 * the plugin development kits write them ({@link #EXPECTED}); a frame in another order is read all the
 * same, through the parser's general path.
 */
final class ResponseReader {

    /** Longest error message taken from a plugin's error frame; the rest is cut. */
    private static final int MAX_ERROR_MESSAGE_CHARS = 2048;

    private static final int ERROR = 1;
    private static final int CONTENT = 1 << 1;
    private static final int USAGE = 1 << 2;
    private static final int COST = 1 << 3;
    private static final int MODEL = 1 << 4;
    private static final int FINISH_REASON = 1 << 5;
    /** The members of {@code error}, {@code usage} and {@code cost}, one bit each within their object. */
    private static final String[] ERROR_MEMBERS = {"code", "message"};
    private static final String[] COUNTS = {"prompt_tokens", "completion_tokens", "total_tokens"};
    private static final String[] AMOUNTS = {"prompt_cost", "completion_cost", "total_cost"};

    /**
     * The top-level members in the order the Rust and C kits write them. A guess that holds lets the parser
     * compare the name's bytes in place instead of looking it up in its symbol table; one that fails costs a
     * comparison and falls back to that look-up.
     */
    private static final SerializableString[] EXPECTED = {new SerializedString("content"),
        new SerializedString("usage"), new SerializedString("model"), new SerializedString("finish_reason"),
        new SerializedString("cost")};
    private static final SerializableString[] EXPECTED_COUNTS = serialized(COUNTS);
    private static final SerializableString[] EXPECTED_AMOUNTS = serialized(AMOUNTS);

    private final String pluginId;
    /** The names of the top-level object that the host does not know, to refuse one given twice. */
    private Members others;
    /** The error object: present (even if malformed) means an error response. */
    private boolean hasError;
    private String errorCode;
    private String errorMessage;
    private String errorProblem;
    private String content;
    private boolean contentPresent;
    private String usageProblem;
    private boolean usagePresent;
    private long promptTokens;
    private long completionTokens;
    private long totalTokens;
    private String costProblem;
    private boolean costPresent;
    private double promptCost;
    private double completionCost;
    private double totalCost;
    private String model;
    private String modelProblem;
    private String finishReason;
    private String finishReasonProblem;

    ResponseReader(String pluginId) {
        this.pluginId = pluginId;
    }

    /** Reads the members of the top-level object, whose START_OBJECT the parser has just returned. */
    void read(JsonParser p) throws IOException, PluginException {
        int seen = 0;
        int guess = 0;
        String name;
        while ((name = nextName(p, EXPECTED, guess)) != null) {
            guess = nextGuess(EXPECTED, guess, name);
            JsonToken t = p.nextToken();
            switch (name) {
                case "error" -> {
                    seen = first(seen, ERROR, name);
                    readError(p, t);
                }
                case "content" -> {
                    seen = first(seen, CONTENT, name);
                    contentPresent = t == JsonToken.VALUE_STRING;
                    content = contentPresent ? p.getText() : null;
                }
                case "usage" -> {
                    seen = first(seen, USAGE, name);
                    readUsage(p, t);
                }
                case "cost" -> {
                    seen = first(seen, COST, name);
                    readCost(p, t);
                }
                case "model" -> {
                    seen = first(seen, MODEL, name);
                    model = optionalText(p, t);
                    modelProblem = problemOfText(t, "model");
                }
                case "finish_reason" -> {
                    seen = first(seen, FINISH_REASON, name);
                    finishReason = optionalText(p, t);
                    finishReasonProblem = problemOfText(t, "finish_reason");
                }
                default -> {
                    // A member the host does not know: ignored, but not twice.
                    if (others == null) {
                        others = new Members();
                    }
                    others.first(name, pluginId);
                }
            }
            p.skipChildren();
        }
    }

    private void readError(JsonParser p, JsonToken t) throws IOException, PluginException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        hasError = true;
        if (t != JsonToken.START_OBJECT) {
            errorProblem = "'error' must be an object with string fields 'code' and 'message'";
            return;
        }
        int seen = 0;
        Members inner = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            int i = indexOf(ERROR_MEMBERS, name);
            if (i >= 0) {
                seen = first(seen, 1 << i, name);
                String text = v == JsonToken.VALUE_STRING ? p.getText() : null;
                if (i == 0) {
                    errorCode = text;
                } else {
                    errorMessage = text;
                }
            } else {
                inner = other(inner, name);
            }
            p.skipChildren();
        }
        if (errorCode == null || errorMessage == null) {
            errorProblem = "'error' must be an object with string fields 'code' and 'message'";
        }
    }

    private void readUsage(JsonParser p, JsonToken t) throws IOException, PluginException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            usageProblem = "'usage' must be an object";
            return;
        }
        usagePresent = true;
        int seen = 0;
        Members inner = null;
        int guess = 0;
        String name;
        while ((name = nextName(p, EXPECTED_COUNTS, guess)) != null) {
            guess = nextGuess(EXPECTED_COUNTS, guess, name);
            JsonToken v = p.nextToken();
            int i = indexOf(COUNTS, name);
            if (i >= 0) {
                seen = first(seen, 1 << i, name);
                if (v != JsonToken.VALUE_NULL) {
                    long n = exactCount(p, v);
                    if (n < 0 && usageProblem == null) {
                        usageProblem = "usage." + name + " must be a non-negative integer";
                    }
                    setCount(i, n);
                }
            } else {
                inner = other(inner, name);
            }
            p.skipChildren();
        }
    }

    private void readCost(JsonParser p, JsonToken t) throws IOException, PluginException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            costProblem = "'cost' must be an object";
            return;
        }
        costPresent = true;
        int seen = 0;
        Members inner = null;
        int guess = 0;
        String name;
        while ((name = nextName(p, EXPECTED_AMOUNTS, guess)) != null) {
            guess = nextGuess(EXPECTED_AMOUNTS, guess, name);
            JsonToken v = p.nextToken();
            int i = indexOf(AMOUNTS, name);
            if (i >= 0) {
                seen = first(seen, 1 << i, name);
                if (v != JsonToken.VALUE_NULL) {
                    boolean number = v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT;
                    double d = number ? p.getDoubleValue() : Double.NaN;
                    if (!Double.isFinite(d) && costProblem == null) {
                        costProblem = "cost." + name + " must be a finite number";
                    }
                    setAmount(i, d);
                }
            } else {
                inner = other(inner, name);
            }
            p.skipChildren();
        }
    }

    /**
     * The next member's name, or {@code null} at the end of the object, guessing that it is
     * {@code expected[guess]} while {@code guess} is within {@code expected}.
     */
    private static String nextName(JsonParser p, SerializableString[] expected, int guess) throws IOException {
        if (guess >= expected.length) {
            return p.nextFieldName();
        }
        if (p.nextFieldName(expected[guess])) {
            return expected[guess].getValue();
        }
        // Not the guess: the parser has moved on all the same, to another member or the object's end.
        return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }

    /**
     * The guess for the member after {@code name}: the one expected after it when it is expected at or after
     * the guess (a kit leaves out {@code model} or {@code finish_reason} when it has none), else the same.
     */
    private static int nextGuess(SerializableString[] expected, int guess, String name) {
        for (int k = guess; k < expected.length; k++) {
            if (expected[k].getValue().equals(name)) {
                return k + 1;
            }
        }
        return guess;
    }

    EngineResponse toResponse() throws PluginException {
        if (hasError) {
            if (errorProblem != null) {
                throw Abi.bad(pluginId, errorProblem);
            }
            // Both reach terminals, tables, logs and the audit log: a code of the documented form only,
            // and a message whose control characters cannot forge lines or drive a terminal.
            String code = SafeText.pluginCode(errorCode);
            String message = SafeText.escape(Abi.clip(errorMessage, MAX_ERROR_MESSAGE_CHARS));
            throw new PluginException(ErrorCode.PLUGIN_ERROR, pluginId,
                    "the plugin answered with error " + code + ": " + message, code, null);
        }
        if (!contentPresent) {
            throw Abi.bad(pluginId, "the response needs a string field 'content'");
        }
        String problem = usageProblem != null ? usageProblem
                : costProblem != null ? costProblem
                : modelProblem != null ? modelProblem
                : finishReasonProblem;
        if (problem != null) {
            throw Abi.bad(pluginId, problem);
        }
        EngineResponse.Usage u = usagePresent
                ? new EngineResponse.Usage(promptTokens, completionTokens, totalTokens) : EngineResponse.Usage.NONE;
        EngineResponse.Cost c = costPresent
                ? new EngineResponse.Cost(promptCost, completionCost, totalCost) : EngineResponse.Cost.NONE;
        return new EngineResponse(content, u, model, finishReason, c);
    }

    private void setCount(int i, long n) {
        switch (i) {
            case 0 -> promptTokens = n;
            case 1 -> completionTokens = n;
            default -> totalTokens = n;
        }
    }

    private void setAmount(int i, double d) {
        switch (i) {
            case 0 -> promptCost = d;
            case 1 -> completionCost = d;
            default -> totalCost = d;
        }
    }

    /** {@code seen} with {@code bit} added; refuses the member if its bit was there already. */
    private int first(int seen, int bit, String name) throws PluginException {
        if ((seen & bit) != 0) {
            throw twice(pluginId, name);
        }
        return seen | bit;
    }

    /** Records a name the host does not know in {@code members}, made on the first; refuses it the second time. */
    private Members other(Members members, String name) throws PluginException {
        Members m = members == null ? new Members() : members;
        m.first(name, pluginId);
        return m;
    }

    private static String optionalText(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private static String problemOfText(JsonToken t, String name) {
        return t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL ? null
                : "'" + name + "' must be a string or null";
    }

    /** The value as a count, or -1 if it is not a non-negative integer that fits a long. */
    private static long exactCount(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return -1;
            }
            return Math.max(-1, p.getLongValue());
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            // 3.0 is a count; 1.5 is not.
            double d = p.getDoubleValue();
            return d >= 0 && d == Math.rint(d) && d < 0x1p63 ? (long) d : -1;
        }
        return -1;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static SerializableString[] serialized(String[] names) {
        SerializableString[] out = new SerializableString[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = new SerializedString(names[i]);
        }
        return out;
    }

    static PluginException twice(String pluginId, String name) {
        return Abi.bad(pluginId, "the response frame is not valid JSON: member '" + Abi.clip(name, 64)
                + "' appears twice");
    }

    /**
     * Names of one object that the host does not know, to refuse one given twice: a short list for the
     * handful a frame may carry, a hash set once it holds many (a hostile frame must not make the check
     * quadratic).
     */
    static final class Members {
        private static final int LIST_MAX = 8;
        private final java.util.ArrayList<String> few = new java.util.ArrayList<>(LIST_MAX);
        private java.util.HashSet<String> many;

        void first(String name, String pluginId) throws PluginException {
            boolean added;
            if (many != null) {
                added = many.add(name);
            } else if (few.contains(name)) {
                added = false;
            } else if (few.size() < LIST_MAX) {
                added = few.add(name);
            } else {
                many = new java.util.HashSet<>(few);
                added = many.add(name);
            }
            if (!added) {
                throw twice(pluginId, name);
            }
        }
    }
}

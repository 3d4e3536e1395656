package dev.fluent.plugin.runtime.internal.abi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.SafeText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The host side of ABI v1 (docs/abi.md): the request JSON written into the guest, and the response frame
 * read back. The guest is not trusted: every field of its answer is checked before it becomes an
 * {@link EngineResponse}.
 */
public final class Abi {

    public static final int VERSION = 1;

    /** Exports of a plugin module (docs/abi.md §1). */
    public static final String EXPORT_MEMORY = "memory";
    public static final String EXPORT_ABI_VERSION = "fluent_abi_version";
    public static final String EXPORT_ALLOC = "fluent_alloc";
    public static final String EXPORT_EXECUTE = "execute_request";
    /** Exported by WASI reactors; called once per instance before anything else. */
    public static final String EXPORT_INITIALIZE = "_initialize";
    /** The host module capability functions live in (docs/abi.md). */
    public static final String FLUENT_MODULE = "fluent";
    /** The WASI module a plugin may import a subset of. */
    public static final String WASI_MODULE = "wasi_snapshot_preview1";

    /** Largest request the host writes into a guest. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    /** Largest response frame the host reads back. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
    /** Longest error message taken from a plugin's error frame; the rest is cut. */
    private static final int MAX_ERROR_MESSAGE_CHARS = 2048;

    /**
     * Streaming only: an execution's request and response go through Jackson's parser and generator
     * directly. A tree (and Jackson's duplicate detection, a hash set per object) made the response the
     * largest allocation of an execution.
     */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private Abi() {
    }

    public static byte[] encodeRequest(String pluginId, EngineRequest request, String requestId) throws PluginException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(request.payload().length() + 96);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("flowname", request.flowname());
            g.writeStringField("payload", request.payload());
            g.writeStringField("request_id", requestId);
            g.writeEndObject();
        } catch (IOException e) {
            throw new PluginException(ErrorCode.INTERNAL, pluginId, "could not encode the request: " + e.getMessage(), e);
        }
        if (out.size() > MAX_REQUEST_BYTES) {
            throw new PluginException(ErrorCode.BAD_REQUEST, pluginId, "the request is " + out.size()
                    + " bytes encoded, above the ABI's limit of " + MAX_REQUEST_BYTES);
        }
        return out.toByteArray();
    }

    /**
     * @param frameJson the JSON bytes of the response frame (its length prefix already checked)
     */
    public static EngineResponse decodeResponse(String pluginId, byte[] frameJson) throws PluginException {
        Response r = new Response();
        try (JsonParser p = JSON.createParser(frameJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(pluginId, "the response frame must hold a JSON object");
            }
            r.read(p, pluginId);
            if (p.nextToken() != null) {
                throw bad(pluginId, "the response frame is not valid JSON: more follows the response object");
            }
        } catch (IOException e) {
            throw bad(pluginId, "the response frame is not valid JSON: " + firstLine(e.getMessage()));
        }
        return r.toResponse(pluginId);
    }

    /**
     * The members of a response frame as read, checked afterwards in a fixed order (an error member wins
     * over anything else, wherever it stands). A member given twice is refused: two readers of the same
     * frame must not see two different answers.
     */
    private static final class Response {
        private static final String[] COUNTS = {"prompt_tokens", "completion_tokens", "total_tokens"};
        private static final String[] AMOUNTS = {"prompt_cost", "completion_cost", "total_cost"};

        private final Members members = new Members();
        /** The error object: present (even if malformed) means an error response. */
        private boolean hasError;
        private String errorCode;
        private String errorMessage;
        private String errorProblem;
        private String content;
        private boolean contentPresent;
        private String usageProblem;
        private long[] usage;
        private String costProblem;
        private double[] cost;
        private String model;
        private String modelProblem;
        private String finishReason;
        private String finishReasonProblem;

        void read(JsonParser p, String pluginId) throws IOException, PluginException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                members.first(name, pluginId);
                switch (name) {
                    case "error" -> readError(p, t, pluginId);
                    case "content" -> {
                        contentPresent = t == JsonToken.VALUE_STRING;
                        content = contentPresent ? p.getText() : null;
                    }
                    case "usage" -> readUsage(p, t, pluginId);
                    case "cost" -> readCost(p, t, pluginId);
                    case "model" -> {
                        model = optionalText(p, t);
                        modelProblem = problemOfText(t, "model");
                    }
                    case "finish_reason" -> {
                        finishReason = optionalText(p, t);
                        finishReasonProblem = problemOfText(t, "finish_reason");
                    }
                    default -> {
                        // A member the host does not know: ignored.
                    }
                }
                p.skipChildren();
            }
        }

        private void readError(JsonParser p, JsonToken t, String pluginId) throws IOException, PluginException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            hasError = true;
            if (t != JsonToken.START_OBJECT) {
                errorProblem = "'error' must be an object with string fields 'code' and 'message'";
                return;
            }
            Members inner = new Members();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                inner.first(name, pluginId);
                if ("code".equals(name)) {
                    errorCode = v == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if ("message".equals(name)) {
                    errorMessage = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            if (errorCode == null || errorMessage == null) {
                errorProblem = "'error' must be an object with string fields 'code' and 'message'";
            }
        }

        private void readUsage(JsonParser p, JsonToken t, String pluginId) throws IOException, PluginException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                usageProblem = "'usage' must be an object";
                return;
            }
            usage = new long[3];
            Members inner = new Members();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                inner.first(name, pluginId);
                int i = indexOf(COUNTS, name);
                if (i >= 0 && v != JsonToken.VALUE_NULL) {
                    long n = exactCount(p, v);
                    if (n < 0 && usageProblem == null) {
                        usageProblem = "usage." + name + " must be a non-negative integer";
                    }
                    usage[i] = n;
                }
                p.skipChildren();
            }
        }

        private void readCost(JsonParser p, JsonToken t, String pluginId) throws IOException, PluginException {
            if (t == JsonToken.VALUE_NULL) {
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                costProblem = "'cost' must be an object";
                return;
            }
            cost = new double[3];
            Members inner = new Members();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                inner.first(name, pluginId);
                int i = indexOf(AMOUNTS, name);
                if (i >= 0 && v != JsonToken.VALUE_NULL) {
                    boolean number = v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT;
                    double d = number ? p.getDoubleValue() : Double.NaN;
                    if (!Double.isFinite(d) && costProblem == null) {
                        costProblem = "cost." + name + " must be a finite number";
                    }
                    cost[i] = d;
                }
                p.skipChildren();
            }
        }

        EngineResponse toResponse(String pluginId) throws PluginException {
            if (hasError) {
                if (errorProblem != null) {
                    throw bad(pluginId, errorProblem);
                }
                // Both reach terminals, tables, logs and the audit log: a code of the documented form only,
                // and a message whose control characters cannot forge lines or drive a terminal.
                String code = SafeText.pluginCode(errorCode);
                String message = SafeText.escape(clip(errorMessage, MAX_ERROR_MESSAGE_CHARS));
                throw new PluginException(ErrorCode.PLUGIN_ERROR, pluginId,
                        "the plugin answered with error " + code + ": " + message, code, null);
            }
            if (!contentPresent) {
                throw bad(pluginId, "the response needs a string field 'content'");
            }
            for (String problem : new String[] {usageProblem, costProblem, modelProblem, finishReasonProblem}) {
                if (problem != null) {
                    throw bad(pluginId, problem);
                }
            }
            EngineResponse.Usage u = usage == null ? EngineResponse.Usage.NONE
                    : new EngineResponse.Usage(usage[0], usage[1], usage[2]);
            EngineResponse.Cost c = cost == null ? EngineResponse.Cost.NONE
                    : new EngineResponse.Cost(cost[0], cost[1], cost[2]);
            return new EngineResponse(content, u, model, finishReason, c);
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
    }

    /**
     * The member names of one object so far, to refuse one given twice: a short list for the handful a
     * response has, a hash set once a frame holds many (a hostile one must not make the check quadratic).
     */
    private static final class Members {
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
                throw bad(pluginId, "the response frame is not valid JSON: member '" + clip(name, 64) + "' appears twice");
            }
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static PluginException bad(String pluginId, String message) {
        return new PluginException(ErrorCode.BAD_RESPONSE, pluginId, message);
    }

    /** Refuses a module that speaks another version of the ABI. */
    public static void checkVersion(String pluginId, int version) throws PluginException {
        if (version != VERSION) {
            throw new PluginException(ErrorCode.ABI_MISMATCH, pluginId, "the module speaks ABI v" + version
                    + "; this platform speaks v" + VERSION);
        }
    }
}

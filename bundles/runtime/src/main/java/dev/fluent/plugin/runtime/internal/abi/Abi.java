package dev.fluent.plugin.runtime.internal.abi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.EngineResponse;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
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

    /**
     * Streaming only: an execution's request and response go through Jackson's parser and generator
     * directly. A tree (and Jackson's duplicate detection, a hash set per object) made the response the
     * largest allocation of an execution.
     */
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private Abi() {
    }

    public static byte[] encodeRequest(String pluginId, EngineRequest request, String requestId) throws PluginException {
        byte[] plain = RequestWriter.writePlain(request.flowname(), request.payload(), requestId, MAX_REQUEST_BYTES);
        if (plain != null) {
            return plain;
        }
        long length = RequestWriter.length(request.flowname(), request.payload(), requestId);
        if (length > MAX_REQUEST_BYTES) {
            throw new PluginException(ErrorCode.BAD_REQUEST, pluginId, "the request is " + length
                    + " bytes encoded, above the ABI's limit of " + MAX_REQUEST_BYTES);
        }
        return RequestWriter.write(request.flowname(), request.payload(), requestId, (int) length);
    }

    /**
     * @param frameJson the JSON bytes of the response frame (its length prefix already checked)
     */
    public static EngineResponse decodeResponse(String pluginId, byte[] frameJson) throws PluginException {
        EngineResponse kit = KitFrame.read(frameJson);
        return kit != null ? kit : decodeAnyFrame(pluginId, frameJson);
    }

    /**
     * The response frame's JSON at {@code [addr, addr + length)} of the plugin's memory, a range the caller checked
     * lies in it: read in place when it is in the kits' form (no copy of the frame per execution), else copied out
     * for Jackson.
     */
    public static EngineResponse decodeResponse(String pluginId, PluginMemory memory, int addr, int length)
            throws PluginException {
        long start = addr & 0xFFFF_FFFFL;
        byte[] holding = memory.arrayHolding(start, length);
        if (holding == null) {
            // Past the flat part of a memory over 2 GiB: a copy, read as any frame is.
            return decodeResponse(pluginId, memory.readBytes(addr, length));
        }
        EngineResponse kit = KitFrame.read(holding, (int) start, length);
        return kit != null ? kit : decodeAnyFrame(pluginId, memory.readBytes(addr, length));
    }

    /** Any frame, through Jackson's streaming parser: also every frame {@link KitFrame} does not take. */
    static EngineResponse decodeAnyFrame(String pluginId, byte[] frameJson) throws PluginException {
        ResponseReader r = new ResponseReader(pluginId);
        try (JsonParser p = JSON.createParser(frameJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(pluginId, "the response frame must hold a JSON object");
            }
            r.read(p);
            if (p.nextToken() != null) {
                throw bad(pluginId, "the response frame is not valid JSON: more follows the response object");
            }
        } catch (IOException e) {
            throw bad(pluginId, "the response frame is not valid JSON: " + firstLine(e.getMessage()));
        }
        return r.toResponse();
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static PluginException bad(String pluginId, String message) {
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

package dev.fluent.plugin.runtime.internal.identity;

import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import java.util.Map;

/** {@link ErrorCode#OWNER_MISMATCH}, with both keys for the audit entry of the refusal. */
public final class OwnerMismatch extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String owner;
    private final String signer;

    OwnerMismatch(String pluginId, String owner, String signer, String message) {
        super(ErrorCode.OWNER_MISMATCH, pluginId, message);
        this.owner = owner;
        this.signer = signer;
    }

    /** The audit details of a refused load: the id's owner and the key that signed what was refused. */
    public Map<String, String> details() {
        return Map.of("owner", owner, "signed_by", signer);
    }
}

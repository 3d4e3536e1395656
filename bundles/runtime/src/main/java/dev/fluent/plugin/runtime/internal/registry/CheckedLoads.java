package dev.fluent.plugin.runtime.internal.registry;

import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginIdentity;
import dev.fluent.plugin.api.PluginManifest;
import dev.fluent.plugin.runtime.internal.audit.Auditor;
import dev.fluent.plugin.runtime.internal.identity.IdentityRecords;
import dev.fluent.plugin.runtime.internal.identity.OwnerMismatch;
import dev.fluent.plugin.runtime.internal.load.LoadPipeline;
import java.nio.file.Path;
import java.util.Map;

/**
 * The registry's side of a load or reload before and after the swap: the {@link LoadPipeline} run with its
 * failure audited, and, once the plugin is registered, its identity recorded (the owner bound at the first
 * accepted version is audited).
 */
final class CheckedLoads {

    private final LoadPipeline pipeline;
    private final Auditor auditor;
    private final IdentityRecords identities;

    CheckedLoads(LoadPipeline pipeline, Auditor auditor, IdentityRecords identities) {
        this.pipeline = pipeline;
        this.auditor = auditor;
        this.identities = identities;
        pipeline.checkIdentityWith(identities::check);
    }

    /**
     * The load pipeline on {@code source}, its failure audited under {@code action}.
     *
     * @param expectedId for a reload, the id the folder must hold
     */
    LoadPipeline.Loaded run(Path source, String action, String expectedId) throws PluginException {
        try {
            LoadPipeline.Loaded loaded = pipeline.load(source);
            if (expectedId != null && !loaded.compiled().id().equals(expectedId)) {
                throw new PluginException(ErrorCode.MANIFEST_INVALID, expectedId, "the folder holds plugin "
                        + loaded.compiled().id() + ", not " + expectedId + "; a reload keeps the plugin's name");
            }
            return loaded;
        } catch (PluginException e) {
            auditor.failure(expectedId != null ? expectedId : e.pluginId(), action, source.toString(), e,
                    e instanceof OwnerMismatch m ? m.details() : Map.of());
            throw e;
        }
    }

    /** {@code manifest} is registered now: its identity is recorded. */
    void accepted(PluginManifest manifest) {
        if (identities.accepted(manifest) == IdentityRecords.Binding.BOUND) {
            auditor.success(manifest.name(), AuditActions.OWNER, PluginIdentity.ownerOf(manifest),
                    Map.of("change", "bound", "version", manifest.version()));
        }
    }

    IdentityRecords identities() {
        return identities;
    }

    /** Audits an operator's change of an id's owner ({@code transferred} or {@code released}). */
    void ownerChanged(String id, String change, String from, String to, String movedData) {
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("change", change);
        details.put("from", from);
        details.put("to", to);
        if (movedData != null) {
            details.put("data_moved_to", movedData);
        }
        auditor.success(id, AuditActions.OWNER, to, details);
    }

    void rollback(String id, Path folder, String from, String to, PluginException failure) {
        Map<String, String> details = Map.of("from", from, "to", to);
        if (failure == null) {
            auditor.success(id, AuditActions.ROLLBACK, folder.toString(), details);
        } else {
            auditor.failure(id, AuditActions.ROLLBACK, folder.toString(), failure, details);
        }
    }
}

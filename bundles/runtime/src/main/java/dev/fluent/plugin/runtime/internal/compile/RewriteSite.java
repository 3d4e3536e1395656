package dev.fluent.plugin.runtime.internal.compile;

import java.util.List;
import org.objectweb.asm.tree.InsnList;

/** A place in a generated method that {@link MemoryAccessInliner} replaces with inline code. */
interface RewriteSite {

    /** The inline code, fresh on every call (measuring a list consumes it). */
    InsnList emit(AccessSite.Locals locals);

    /** A lower bound of the bytes the replaced instructions take. */
    int originalSize();

    void replace(InsnList instructions, InsnList replacement);

    /**
     * Replaces the sites in order while the method stays within {@code limit} bytes, counted from {@code size[0]}
     * (which it advances).
     *
     * @return how many sites were replaced: the first ones, the rest keep their calls
     */
    static int replaceWithin(List<? extends RewriteSite> sites, InsnList instructions, AccessSite.Locals locals,
            int[] size, int limit) {
        int replaced = 0;
        for (RewriteSite site : sites) {
            int grows = CodeSize.of(site.emit(locals)) - site.originalSize();
            if (size[0] + grows > limit) {
                break;
            }
            size[0] += grows;
            site.replace(instructions, site.emit(locals));
            replaced++;
        }
        return replaced;
    }
}

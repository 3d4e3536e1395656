package dev.fluent.plugin.runtime.internal.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long MIB = 1024 * 1024;
    /** Pages of 16 MiB. */
    private static final long SIXTEEN_MIB = 16 * 16;

    /** A 1000 MiB heap at 50 %: 500 MiB for plugins. */
    private static MemoryBudget budget(int poolSize) {
        MemoryBudget budget = new MemoryBudget(1000 * MIB);
        budget.configure(50, poolSize);
        return budget;
    }

    @Test
    void reservesEachInstanceAtItsCapPlusTheCompiledCode() throws Exception {
        MemoryBudget budget = budget(8);
        MemoryBudget.Reservation r = budget.reserve("a", 16, SIXTEEN_MIB, MIB);
        assertEquals(8 * 16 * MIB + MemoryBudget.CODE_PER_MODULE_BYTE * MIB, r.bytes());
        assertEquals(8, r.instances());
        assertEquals(r.bytes(), budget.reservedBytes());
        assertEquals(r.bytes(), budget.reservedBytes("a"));
        assertEquals(500 * MIB, budget.budgetBytes());
    }

    @Test
    void refusesWhatDoesNotFitWithTheFiguresAndTheWaysOut() throws Exception {
        MemoryBudget budget = budget(8);
        budget.reserve("a", 16, SIXTEEN_MIB, 0);
        budget.reserve("b", 16, SIXTEEN_MIB, 0);
        budget.reserve("c", 16, SIXTEEN_MIB, 0); // 384 MiB of 500
        PluginException e = assertThrows(PluginException.class, () -> budget.reserve("d", 16, SIXTEEN_MIB, 0));
        assertEquals(ErrorCode.INSUFFICIENT_MEMORY, e.code());
        assertEquals("d", e.pluginId());
        String m = e.getMessage();
        assertTrue(m.contains("needs up to 128.0 MiB (8 instances × 16.0 MiB of memory (max_memory_mb=16)"), m);
        assertTrue(m.contains("reserve 384.0 MiB of the memory budget of 500.0 MiB (50% of a 1000.0 MiB heap)"), m);
        assertTrue(m.contains("leaving 116.0 MiB"), m);
        for (String way : new String[] {"max_memory_mb", "pool_size", "memory_budget_percent", "unload",
                "JAVA_MAX_MEM"}) {
            assertTrue(m.contains(way), m);
        }
        assertEquals(384 * MIB, budget.reservedBytes(), "a refusal reserves nothing");
    }

    @Test
    void aSmallerPoolOrTheModulesOwnMaximumMakesItFit() throws Exception {
        MemoryBudget budget = budget(8);
        assertThrows(PluginException.class, () -> budget.reserve("big", 256, 256 * 16, 0)); // 8 × 256 MiB
        budget.reserve("bounded", 256, SIXTEEN_MIB, 0); // the module itself stops at 16 MiB: 8 × 16 MiB
        budget.configure(50, 1);
        budget.reserve("big", 256, 256 * 16, 0); // 1 × 256 MiB: 384 MiB reserved
        assertThrows(PluginException.class, () -> budget.reserve("more", 128, 128 * 16, 0));
        assertEquals(384 * MIB, budget.reservedBytes());
    }

    @Test
    void aReloadCountsOnceAtTheLargerOfItsTwoVersions() throws Exception {
        MemoryBudget budget = budget(8);
        MemoryBudget.Reservation old = budget.reserve("a", 32, 32 * 16, 0); // 256 MiB
        budget.reserve("b", 16, SIXTEEN_MIB, 0); // 128 MiB: 384 reserved
        // A new version of a asking 48 MiB per instance (384 MiB) fits in place of the old one: 512 > 500 would
        // not, but the old version's 256 MiB is not counted twice. 384 + 128 = 512 > 500: refused.
        assertThrows(PluginException.class, () -> budget.reserve("a", 48, 48 * 16, 0));
        MemoryBudget.Reservation next = budget.reserve("a", 40, 40 * 16, 0); // 320 + 128 = 448
        assertEquals(448 * MIB, budget.reservedBytes());
        old.release();
        assertEquals(448 * MIB, budget.reservedBytes());
        next.release();
        next.release();
        assertEquals(128 * MIB, budget.reservedBytes(), "released once, whatever the number of calls");
    }

    @Test
    void aFailedReloadLeavesTheOldReservation() throws Exception {
        MemoryBudget budget = budget(8);
        budget.reserve("a", 16, SIXTEEN_MIB, 0);
        MemoryBudget.Reservation failed = budget.reserve("a", 8, 8 * 16, 0);
        failed.release();
        assertEquals(128 * MIB, budget.reservedBytes());
    }

    @Test
    void refusesSettingsOutsideTheirBounds() {
        MemoryBudget budget = budget(8);
        assertThrows(IllegalArgumentException.class, () -> budget.configure(0, 8));
        assertThrows(IllegalArgumentException.class, () -> budget.configure(101, 8));
        assertThrows(IllegalArgumentException.class, () -> budget.configure(50, 0));
    }
}

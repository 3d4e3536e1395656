package dev.fluent.plugin.runtime.internal.abi;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.DataSegment;
import java.util.Arrays;

/**
 * The storage under {@link PluginMemory}: one flat array for the memory's first 2 GiB, the cap, and the dirty
 * tracking that lets {@link #reset()} undo an execution by restoring only the 1 KiB cards it wrote.
 *
 * <ul>
 *   <li>Why flat: compiled plugin code ({@code compile.MemoryAccessInliner}) reaches the memory with one
 *       unsigned comparison and one array access, as V8 does with one bounds-checked load. Chunks cost a table
 *       load, its range check and a second check that the access stays inside one chunk, on every access.</li>
 *   <li>{@link #flat} grows by doubling within the cap, so a memory grown page by page is copied a logarithmic
 *       number of times. A reset keeps its capacity: the next execution that grows as far does not pay the
 *       copies again, and the plugin's memory budget already reserves its cap for every instance.</li>
 *   <li>Pages from {@link #FLAT_PAGES} on (memories past 2 GiB, which only bulk operations crossing the 2 GiB line
 *       can reach) live in 64 KiB arrays of their own.</li>
 *   <li>Every write marks the card it starts in, in {@link #cards}. A write may spill up to 7 bytes into the
 *       next card, so a mark covers those too: {@link #reset()} restores each marked card and the first bytes of
 *       the card after it from the snapshot, and zeroes what lies beyond the snapshot's size.</li>
 * </ul>
 *
 * <p>{@link #flat}, {@link #cards} and {@link #bound} are public and read directly by the rewritten
 * compiled code, which copies them into locals and reads them again after every call that may grow the memory.
 * They change only here: on a grow, which replaces {@link #flat} with a larger copy, and on a snapshot or reset.
 */
public abstract class LinearStorage {

    static final int PAGE_SHIFT = 16;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    /** Cards are 1 KiB: the bytes a reset copies back per written card, against a byte per card to scan. */
    public static final int CARD_SHIFT = 10;
    static final int CARD_SIZE = 1 << CARD_SHIFT;
    static final int CARDS_PER_PAGE_SHIFT = PAGE_SHIFT - CARD_SHIFT;
    /** Pages the flat array holds at most: the largest page-aligned byte array a JVM allocates. */
    static final int FLAT_PAGES = (1 << 15) - 1;
    static final int FLAT_BYTES = FLAT_PAGES << PAGE_SHIFT;
    /** The widest scalar access, and so the most bytes a write can spill into the card after its own. */
    static final int WIDEST = 8;
    /** What {@link #fillRange} copies zeroes from. */
    private static final byte[] ZEROS = new byte[16 * 1024];
    /** Clean card bytes to compare the cards with, a window at a time. */
    private static final byte[] CLEAN_CARDS = new byte[4096];

    private final int initialPages;
    private final int maximumPages;
    /** The memory's bytes below {@link #FLAT_BYTES}; longer than the memory when grown by doubling, zero past it. */
    public byte[] flat;
    /** One byte per 1 KiB card of the memory: non-zero if a write started in it since the last snapshot or reset. */
    public byte[] cards;
    /**
     * The bytes an access of up to 8 bytes may start below: an effective address (the unsigned base plus the
     * offset, in a long) under it lies, with the 7 bytes after it, inside the flat array and the memory. An access
     * starting in the last 7 bytes takes the checked path. Never above {@code cards.length << CARD_SHIFT}: the
     * card an access below it marks needs no check.
     */
    public long bound;
    /** Pages at {@link #FLAT_PAGES} and above, by page minus {@link #FLAT_PAGES}. */
    private byte[][] high = new byte[0][];
    int pageCount;
    private boolean growRefused;
    /** A grow within the cap was refused because the JVM's heap could not hold it. */
    private boolean heapRefused;
    DataSegment[] dataSegments = new DataSegment[0];

    private Snapshot snapshot;

    /** The memory as snapshotted: its size, its non-zero cards (null for a zero one), and its data segments. */
    private record Snapshot(int pageCount, byte[][] cards, DataSegment[] dataSegments) {
    }

    LinearStorage(int initialPages, int maximumPages) {
        this.initialPages = initialPages;
        this.maximumPages = maximumPages;
        if (initialPages > maximumPages) {
            // The load step "imports and exports" refuses such modules; this guards direct use.
            throw new WasmRuntimeException("initial memory of " + initialPages + " pages exceeds the cap of "
                    + maximumPages);
        }
        this.flat = new byte[0];
        this.cards = new byte[0];
        updateBound();
        if (grow(initialPages) < 0) {
            // Reported like any other exhaustion of the heap while an instance is made.
            throw new OutOfMemoryError("the JVM's heap cannot hold the initial memory of " + initialPages + " pages");
        }
    }

    public boolean growRefused() {
        return growRefused;
    }

    /** Whether a grow within the cap was refused since the last snapshot or reset, for want of heap. */
    public boolean heapRefused() {
        return heapRefused;
    }

    /** Bytes held for the memory's contents (the flat array's capacity and the pages past it), for accounting. */
    public long retainedBytes() {
        long n = flat.length;
        for (byte[] page : high) {
            if (page != null) {
                n += page.length;
            }
        }
        return n;
    }

    public int pages() {
        return pageCount;
    }

    public int initialPages() {
        return initialPages;
    }

    public int maximumPages() {
        return maximumPages;
    }

    /** Records the current state as the one {@link #reset()} returns to. */
    public void snapshot() {
        int cardCount = pageCount << CARDS_PER_PAGE_SHIFT;
        byte[][] originals = new byte[cardCount][];
        for (int c = 0; c < cardCount; c++) {
            long at = (long) c << CARD_SHIFT;
            // A card never straddles two arrays: the flat part ends on a page boundary.
            if (!isZero(arrayOf(at), offsetIn(at))) {
                originals[c] = copyOut(at, CARD_SIZE);
            }
        }
        snapshot = new Snapshot(pageCount, originals, dataSegments.clone());
        Arrays.fill(cards, (byte) 0);
        growRefused = false;
    }

    /**
     * Returns to the snapshot: every card written since is restored (or zeroed, past the snapshot's size), and
     * the memory shrinks back to the snapshot's size. The cost follows the cards written, plus a vectorized scan
     * of one byte per 1 KiB card of the memory (64 KiB of cards for a 64 MiB memory).
     */
    public void reset() {
        Snapshot s = snapshot;
        int count = pageCount << CARDS_PER_PAGE_SHIFT;
        int c = 0;
        while (c < count) {
            // The next written card, found by the JDK's vectorized comparison with clean cards.
            int window = Math.min(CLEAN_CARDS.length, count - c);
            int dirty = Arrays.mismatch(cards, c, c + window, CLEAN_CARDS, 0, window);
            if (dirty < 0) {
                c += window;
                continue;
            }
            c += dirty;
            // A run of written cards at once: a region rewritten whole costs one fill, or one copy per card.
            int end = c;
            while (end < count && cards[end] != 0) {
                cards[end++] = 0;
            }
            restoreRun(s, c, end);
            if (end < count) {
                restore(s, end, WIDEST - 1);
            }
            c = end;
        }
        for (int p = Math.max(s.pageCount(), FLAT_PAGES); p < pageCount; p++) {
            // Grown past 2 GiB during the execution: those pages become garbage.
            high[p - FLAT_PAGES] = null;
        }
        pageCount = s.pageCount();
        updateBound();
        dataSegments = s.dataSegments().clone();
        growRefused = false;
        heapRefused = false;
    }

    /** Puts back cards {@code [from, to)}: the snapshot's copies, and one fill for each stretch that was zero. */
    private void restoreRun(Snapshot s, int from, int to) {
        byte[][] originals = s.cards();
        int c = from;
        while (c < to) {
            if (c < originals.length && originals[c] != null) {
                copyIn((long) c << CARD_SHIFT, originals[c], 0, CARD_SIZE);
                c++;
            } else {
                int zeroEnd = c + 1;
                while (zeroEnd < to && (zeroEnd >= originals.length || originals[zeroEnd] == null)) {
                    zeroEnd++;
                }
                fillRange((long) c << CARD_SHIFT, (long) zeroEnd << CARD_SHIFT, (byte) 0);
                c = zeroEnd;
            }
        }
    }

    /** Puts back the first {@code length} bytes of card {@code c} as the snapshot holds them. */
    private void restore(Snapshot s, int c, int length) {
        byte[] original = c < s.cards().length ? s.cards()[c] : null;
        long at = (long) c << CARD_SHIFT;
        if (original != null) {
            copyIn(at, original, 0, length);
        } else {
            fillRange(at, at + length, (byte) 0);
        }
    }

    /** Records the cards of {@code [addr, addr + size)}, a non-empty range already checked to lie in memory. */
    final void markDirty(long addr, long size) {
        int first = (int) (addr >>> CARD_SHIFT);
        int last = (int) ((addr + size - 1) >>> CARD_SHIFT);
        Arrays.fill(cards, first, last + 1, (byte) 1);
    }

    final long size() {
        return (long) pageCount << PAGE_SHIFT;
    }

    /** Sets {@link #bound} from the current size: 8 bytes short of the flat part's end. */
    private void updateBound() {
        long flatLive = Math.min(size(), FLAT_BYTES);
        bound = Math.max(flatLive - (WIDEST - 1), 0);
    }

    final void checkBounds(int addr, long size) {
        if (addr < 0 || size < 0 || addr + size > size()) {
            throw outOfBounds(addr, size);
        }
    }

    final WasmRuntimeException outOfBounds(int addr, long size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + size() + " and size: " + size);
    }

    public int grow(int size) {
        int previous = pageCount;
        if (size < 0 || (long) previous + size > maximumPages) {
            growRefused = true;
            return -1;
        }
        int next = previous + size;
        byte[][] highBefore = high;
        try {
            long flatNeeded = (long) Math.min(next, FLAT_PAGES) << PAGE_SHIFT;
            if (flat.length < flatNeeded) {
                flat = grownFlat((int) flatNeeded);
            }
            if (next > FLAT_PAGES) {
                byte[][] grownHigh = high.length >= next - FLAT_PAGES ? high : Arrays.copyOf(high, next - FLAT_PAGES);
                for (int p = Math.max(previous, FLAT_PAGES); p < next; p++) {
                    grownHigh[p - FLAT_PAGES] = new byte[PAGE_SIZE];
                }
                high = grownHigh;
            }
            int cardsNeeded = next << CARDS_PER_PAGE_SHIFT;
            if (cards.length < cardsNeeded) {
                cards = Arrays.copyOf(cards, Math.min(Math.max(cardsNeeded, 2 * cards.length),
                        maximumPages << CARDS_PER_PAGE_SHIFT));
            }
        } catch (OutOfMemoryError e) {
            // The heap cannot hold it: refused like a grow past the cap (memory.grow answers -1). What this grow
            // took past 2 GiB is given back at once, so the platform's other threads get their heap back.
            if (highBefore != high) {
                high = highBefore;
            }
            for (int p = Math.max(previous, FLAT_PAGES); p < next && p - FLAT_PAGES < high.length; p++) {
                high[p - FLAT_PAGES] = null;
            }
            growRefused = true;
            heapRefused = true;
            return -1;
        }
        pageCount = next;
        updateBound();
        return previous;
    }

    /**
     * A copy of the flat array with room for {@code needed} bytes: by doubling, up to the cap (bytes past the
     * memory's size stay zero), or exactly what is needed when the heap cannot hold the doubled array.
     */
    private byte[] grownFlat(int needed) {
        long cap = (long) Math.min(maximumPages, FLAT_PAGES) << PAGE_SHIFT;
        long doubled = Math.min(Math.max(needed, 2L * flat.length), cap);
        if (doubled > needed) {
            try {
                return Arrays.copyOf(flat, (int) doubled);
            } catch (OutOfMemoryError e) {
                // Fall through to the exact size, which may still fit.
            }
        }
        return Arrays.copyOf(flat, needed);
    }

    // --- bulk access over the flat array and the pages past it; every range here was checked by the caller ---

    final void copyIn(long addr, byte[] data, int offset, int size) {
        if (addr + size <= FLAT_BYTES) {
            System.arraycopy(data, offset, flat, (int) addr, size);
            return;
        }
        for (int done = 0; done < size; ) {
            long at = addr + done;
            int n = (int) Math.min(size - done, runFrom(at));
            System.arraycopy(data, offset + done, arrayOf(at), offsetIn(at), n);
            done += n;
        }
    }

    /**
     * The array that holds {@code [addr, addr + size)} at the same offsets, to read in place: the flat array when the
     * range lies in it, else {@code null} (read a copy instead). The caller has checked the range lies in the memory.
     */
    final byte[] arrayHolding(long addr, int size) {
        return addr + size <= FLAT_BYTES ? flat : null;
    }

    final byte[] copyOut(long addr, int size) {
        if (addr + size <= FLAT_BYTES) {
            return Arrays.copyOfRange(flat, (int) addr, (int) addr + size);
        }
        byte[] out = new byte[size];
        for (int done = 0; done < size; ) {
            long at = addr + done;
            int n = (int) Math.min(size - done, runFrom(at));
            System.arraycopy(arrayOf(at), offsetIn(at), out, done, n);
            done += n;
        }
        return out;
    }

    /**
     * Zeroes (a reset's most common work) by copying from {@link #ZEROS}: {@code System.arraycopy} is always the
     * JVM's copy stub, where {@code Arrays.fill} is a loop whose speed depends on how the JIT compiled it in this
     * JVM (measured: a reset of echo took 0.3 µs in most JVMs and 1 µs in one of four, all of it in the fill).
     */
    final void fillRange(long from, long to, byte value) {
        for (long at = from; at < to; ) {
            int n = (int) Math.min(to - at, runFrom(at));
            int start = offsetIn(at);
            byte[] array = arrayOf(at);
            if (value == 0) {
                for (int done = 0; done < n; done += ZEROS.length) {
                    System.arraycopy(ZEROS, 0, array, start + done, Math.min(ZEROS.length, n - done));
                }
            } else {
                Arrays.fill(array, start, start + n, value);
            }
            at += n;
        }
    }

    /** Little-endian, byte by byte: an access in the last bytes of the flat part, or past it. */
    final long readBytewise(int addr, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            long at = addr + (long) i;
            v = (v << 8) | (arrayOf(at)[offsetIn(at)] & 0xFF);
        }
        return v;
    }

    final void writeBytewise(int addr, long value, int width) {
        for (int i = 0; i < width; i++) {
            long at = addr + (long) i;
            arrayOf(at)[offsetIn(at)] = (byte) (value >>> (8 * i));
        }
    }

    private byte[] arrayOf(long at) {
        return at < FLAT_BYTES ? flat : high[(int) ((at - FLAT_BYTES) >>> PAGE_SHIFT)];
    }

    private static int offsetIn(long at) {
        return at < FLAT_BYTES ? (int) at : (int) ((at - FLAT_BYTES) & (PAGE_SIZE - 1));
    }

    /** Bytes from {@code at} to the end of the array that holds it. */
    private static long runFrom(long at) {
        return at < FLAT_BYTES ? FLAT_BYTES - at : PAGE_SIZE - ((at - FLAT_BYTES) & (PAGE_SIZE - 1));
    }

    private static boolean isZero(byte[] array, int cardStart) {
        for (int i = cardStart; i < cardStart + CARD_SIZE; i += 8) {
            if ((long) MemoryViews.LONG.get(array, i) != 0) {
                return false;
            }
        }
        return true;
    }
}

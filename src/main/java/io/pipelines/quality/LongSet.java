package io.pipelines.quality;

/**
 * A set of longs in one array (open addressing, linear probing): 8 bytes a slot instead of the ~50
 * bytes a boxed entry of a HashSet costs, so that checking 10 million ids for uniqueness fits in a
 * small heap.
 */
final class LongSet {

    private static final long EMPTY = 0L;
    private static final double MAX_LOAD = 0.75;

    private long[] slots = new long[1 << 10];
    private boolean hasZero;
    private int size;

    /** Adds the value; false when it was there already. */
    boolean add(long value) {
        if (value == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if (size + 1 > slots.length * MAX_LOAD) {
            grow();
        }
        if (insert(slots, value)) {
            size++;
            return true;
        }
        return false;
    }

    private static boolean insert(long[] table, long value) {
        int mask = table.length - 1;
        int i = mix(value) & mask;
        while (true) {
            long slot = table[i];
            if (slot == EMPTY) {
                table[i] = value;
                return true;
            }
            if (slot == value) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long v : slots) {
            if (v != EMPTY) {
                insert(bigger, v);
            }
        }
        slots = bigger;
    }

    private static int mix(long value) {
        long h = value * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}

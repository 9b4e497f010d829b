package org.rbnn4j.tornado.resident;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which part of the arena holds which host array: a region per array, found by the array's identity, and the free
 * spans between regions (first fit, neighbours merged when freed).
 *
 * <p>Regions hold their arrays weakly. The layers allocate fresh activation and gradient arrays every step and drop
 * them when the step ends; once the garbage collector has cleared such an array, nobody can read it any more, so its
 * region returns to the free spans without its values ever coming home ({@link #reclaim}). Without this, a step's dead
 * arrays would fill the arena and every flush would download them.
 *
 * <p>Not thread-safe: the arena's backend serialises calls.
 */
final class ArenaRegions {
    /** Where an array's newest values are. */
    enum State { HOST_NEWER, IN_SYNC, DEVICE_NEWER }

    /** The arena span of one host array, cleared when the garbage collector frees the array. */
    static final class Region extends WeakReference<float[]> {
        final int offset;
        final int length;
        private final int identity;
        State state = State.HOST_NEWER;

        private Region(float[] array, ReferenceQueue<float[]> queue, int offset) {
            super(array, queue);
            this.offset = offset;
            this.length = array.length;
            this.identity = System.identityHashCode(array);
        }
    }

    private final ReferenceQueue<float[]> collected = new ReferenceQueue<>();
    /** Regions by their array's identity hash (arrays compare by identity, and equal hashes may collide). */
    private final Map<Integer, List<Region>> byIdentity = new HashMap<>();
    /** Free spans: offset to length, never adjacent (merged when freed). */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private int capacity;
    private int live;
    private long liveFloats;
    private long peakFloats;
    private long reclaimed;

    ArenaRegions(int capacity) {
        clear(capacity);
    }

    /** Forgets every region: the whole arena of {@code capacity} floats is free. */
    void clear(int capacity) {
        this.capacity = capacity;
        while (collected.poll() != null) {
            // regions of the old arena: nothing to free
        }
        for (List<Region> list : byIdentity.values()) {
            for (Region r : list) {
                r.clear();
            }
        }
        byIdentity.clear();
        free.clear();
        if (capacity > 0) {
            free.put(0, capacity);
        }
        live = 0;
        liveFloats = 0;
    }

    /** {@code a}'s region, or null if it has none. */
    Region find(float[] a) {
        List<Region> list = byIdentity.get(System.identityHashCode(a));
        if (list != null) {
            for (Region r : list) {
                if (r.get() == a) {
                    return r;
                }
            }
        }
        return null;
    }

    /**
     * A new region for {@code a} (which has none) in the first free span that holds it, or null if none does, even
     * after reclaiming the regions of collected arrays. The region's state is {@link State#HOST_NEWER}.
     */
    Region allocate(float[] a) {
        Integer offset = firstFit(a.length);
        if (offset == null && reclaim() > 0) {
            offset = firstFit(a.length);
        }
        if (offset == null) {
            return null;
        }
        Region r = new Region(a, collected, offset);
        byIdentity.computeIfAbsent(r.identity, k -> new ArrayList<>(1)).add(r);
        live++;
        liveFloats += r.length;
        peakFloats = Math.max(peakFloats, liveFloats);
        return r;
    }

    /** Frees the regions of arrays the garbage collector has cleared; returns how many. */
    int reclaim() {
        int count = 0;
        for (Object ref; (ref = collected.poll()) != null; ) {
            count += free((Region) ref) ? 1 : 0;
        }
        reclaimed += count;
        return count;
    }

    /** Drops a cleared region and frees its span (false if it belongs to an arena forgotten since). */
    private boolean free(Region r) {
        List<Region> list = byIdentity.get(r.identity);
        if (list == null || !list.remove(r)) {
            return false;
        }
        if (list.isEmpty()) {
            byIdentity.remove(r.identity);
        }
        release(r.offset, r.length);
        live--;
        liveFloats -= r.length;
        return true;
    }

    /**
     * Asks the garbage collector to clear the arrays nobody holds any more and frees their regions (waiting up to
     * {@code waitMillis} for the first to be reported); returns how many. For when the arena is full: freeing dead
     * arrays' regions costs nothing on the device, while a flush brings every device-newer array home, dead or not.
     */
    int collectGarbage(long waitMillis) {
        System.gc();
        int count = 0;
        try {
            Object first = collected.remove(waitMillis);
            if (first != null) {
                count += free((Region) first) ? 1 : 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reclaimed += count;
        return count + reclaim();
    }

    /** The arrays with a region whose newest values are on the device (the collected ones are gone). */
    List<float[]> deviceNewer() {
        List<float[]> arrays = new ArrayList<>();
        for (List<Region> list : byIdentity.values()) {
            for (Region r : list) {
                float[] a = r.get();
                if (a != null && r.state == State.DEVICE_NEWER) {
                    arrays.add(a);
                }
            }
        }
        return arrays;
    }

    int capacity() {
        return capacity;
    }

    /** Regions held (including those of arrays collected but not yet reclaimed). */
    int live() {
        return live;
    }

    /** Floats in free spans. */
    long freeFloats() {
        long sum = 0;
        for (int length : free.values()) {
            sum += length;
        }
        return sum;
    }

    /**
     * The most floats regions held at once (counting arrays collected but not yet reclaimed): what the arena needs to
     * run without flushes.
     */
    long peakFloats() {
        return peakFloats;
    }

    /** Regions reclaimed so far. */
    long reclaimed() {
        return reclaimed;
    }

    private Integer firstFit(int length) {
        if (length == 0) {
            return 0; // an empty array needs no floats; any offset is valid
        }
        for (Iterator<Map.Entry<Integer, Integer>> it = free.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Integer> span = it.next();
            if (span.getValue() >= length) {
                int offset = span.getKey();
                int rest = span.getValue() - length;
                it.remove();
                if (rest > 0) {
                    free.put(offset + length, rest);
                }
                return offset;
            }
        }
        return null;
    }

    private void release(int offset, int length) {
        if (length == 0) {
            return;
        }
        int start = offset;
        int end = offset + length;
        Map.Entry<Integer, Integer> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            free.remove(before.getKey());
        }
        Integer afterLength = free.get(end);
        if (afterLength != null) {
            free.remove(end);
            end += afterLength;
        }
        free.put(start, end - start);
    }
}

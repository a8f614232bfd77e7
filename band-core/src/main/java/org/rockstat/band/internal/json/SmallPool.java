package org.rockstat.band.internal.json;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A few objects kept for reuse across threads, without locks: a taker empties a slot, a giver
 * fills an empty one. Calls run on short-lived virtual threads, so a thread-local would make a
 * new object for every call; with more takers at once than slots, the extra ones are made and
 * left to the collector.
 */
final class SmallPool<T> {
    private final AtomicReferenceArray<T> slots =
            new AtomicReferenceArray<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    private final Supplier<T> maker;

    SmallPool(Supplier<T> maker) {
        this.maker = maker;
    }

    /** One of the pool's, or a new one; the caller gives it back. */
    T take() {
        for (int i = 0; i < slots.length(); i++) {
            T kept = slots.getAndSet(i, null);
            if (kept != null) {
                return kept;
            }
        }
        return maker.get();
    }

    /** Keeps {@code taken} for the next taker, unless every slot is full. */
    void giveBack(T taken) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.compareAndSet(i, null, taken)) {
                return;
            }
        }
    }
}

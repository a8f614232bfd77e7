package org.rockstat.band.internal.json;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Where {@link Json} writes a value before it is copied into the message's exact array: a buffer
 * taken from a small pool and given back. Jackson's {@code writeValueAsBytes} writes into a chain
 * of new blocks, then copies them into the result: at 100 KB a message the blocks were more than
 * the result itself, a third of what a {@code debug.data} echo allocated (BENCHMARKS.md, "Less
 * garbage a message"). Here only the result is new. The pool holds a few buffers of up to 256 KB
 * each; a larger one (a message of megabytes) is left to the collector after its one use, and
 * one taken when the pool is empty is simply made.
 */
final class ReusedOutput extends OutputStream {
    private static final int FIRST = 4 * 1024;
    private static final int KEPT = 256 * 1024;
    private static final SmallPool<ReusedOutput> POOL = new SmallPool<>(ReusedOutput::new);

    private byte[] bytes = new byte[FIRST];
    private int count;

    private ReusedOutput() {}

    /** A buffer of the pool's, or a new one; the caller gives it back. */
    static ReusedOutput take() {
        return POOL.take();
    }

    /** Empties this buffer and gives it back to the pool, unless it grew past what the pool keeps. */
    void giveBack() {
        count = 0;
        if (bytes.length <= KEPT) {
            POOL.giveBack(this);
        }
    }

    /** What was written, in an array of its own. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, count);
    }

    @Override
    public void write(int b) {
        room(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        room(length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
    }

    private void room(int more) {
        int needed = count + more;
        if (needed < 0) {
            throw new OutOfMemoryError("a JSON text of more than 2 GB");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, 2L * bytes.length)));
        }
    }
}

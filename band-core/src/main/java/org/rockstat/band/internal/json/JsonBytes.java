package org.rockstat.band.internal.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The scan both directions of Band's JSON share: where, in UTF-8 bytes, the first byte is that
 * JSON does not carry as it is. Writing, it tells whether an ASCII text can be copied into the
 * output without escaping ({@link Json}'s long strings); reading, whether a string's bytes up to
 * its closing quote are its characters ({@link PlainStringFactory}).
 */
final class JsonBytes {
    /** Little-endian longs over a {@code byte[]}: the scan reads eight bytes at a time. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private JsonBytes() {}

    /**
     * The index of the first byte of {@code bytes} in [{@code from}, {@code end}) that JSON
     * does not write as it is: 0x80 or more, a control character, {@code "}, a backslash, and
     * {@code /} if {@code slash}; -1 if there is none. Eight bytes at a time, as one
     * {@code long}: a byte's high bit ends up set where the byte is 0x80 or more, below 0x20
     * ({@code x - 0x20} borrows), or one of the characters ({@code (x ^ c) - 1} borrows). A
     * borrow can also flag a byte above the first one found, never one below, so the lowest is
     * exact.
     */
    static int firstSpecial(byte[] bytes, int from, int end, boolean slash) {
        int i = from;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i);
            long found = (x & HIGHS)
                    | ((x - 0x20 * ONES) & ~x & HIGHS)
                    | equal(x, '"')
                    | equal(x, '\\')
                    | (slash ? equal(x, '/') : 0);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b < 0x20 || b == '"' || b == '\\' || (slash && b == '/')) {
                return i;
            }
        }
        return -1;
    }

    /** The high bit set in each byte of {@code x} (those below 0x80) that equals {@code c}. */
    private static long equal(long x, char c) {
        long y = x ^ (c * ONES);
        return (y - ONES) & ~y & HIGHS;
    }
}

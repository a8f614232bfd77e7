package org.rockstat.band.internal.replica;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The members of a service at one point of the membership channel, and which of them owns a
 * message: rendezvous (highest random weight) hashing of the message's key over the member ids.
 * Every replica that saw the same membership messages before a message holds the same view
 * for it, so exactly one of them owns it, with no round trip. A member leaving moves only its
 * own share; one joining takes a 1/n share from each.
 *
 * <p>Immutable.
 *
 * <pre>{@code
 * View view = View.of(List.of("a1", "b2"));
 * boolean mine = view.owns("a1", "front|17");
 * }</pre>
 */
public final class View {
    /** Not a member (joining, or expelled and rejoining): owns nothing. */
    public static final View OUTSIDE = new View(new String[0], true);

    private final String[] members;
    private final long[] seeds;
    private final boolean outside;

    private View(String[] members, boolean outside) {
        this.members = members;
        this.outside = outside;
        this.seeds = new long[members.length];
        for (int i = 0; i < members.length; i++) {
            seeds[i] = hash(members[i]);
        }
    }

    /** The view of these member ids. */
    public static View of(Collection<String> ids) {
        return new View(ids.stream().distinct().sorted().toArray(String[]::new), false);
    }

    /** This view with {@code id} added. */
    View with(String id) {
        if (outside || Arrays.asList(members).contains(id)) {
            return this;
        }
        String[] more = Arrays.copyOf(members, members.length + 1);
        more[members.length] = id;
        Arrays.sort(more);
        return new View(more, false);
    }

    /** This view without {@code id}. */
    View without(String id) {
        if (outside || !Arrays.asList(members).contains(id)) {
            return this;
        }
        return new View(Arrays.stream(members).filter(m -> !m.equals(id)).toArray(String[]::new), false);
    }

    /**
     * True when {@code me} handles the message with {@code key}. With no member left (the last
     * replica has announced leaving) the one asking handles it, as a lone service does.
     */
    public boolean owns(String me, String key) {
        if (outside) {
            return false;
        }
        if (members.length <= 1) {
            return members.length == 0 || members[0].equals(me);
        }
        long k = hash(key);
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < members.length; i++) {
            long score = mix(seeds[i] ^ k);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return members[best].equals(me);
    }

    /** True when {@code id} is one of the members. */
    public boolean contains(String id) {
        return Arrays.asList(members).contains(id);
    }

    /** False for {@link #OUTSIDE}. */
    public boolean isMember() {
        return !outside;
    }

    /** The member ids, sorted. */
    public List<String> members() {
        return List.of(members);
    }

    /** How many members. */
    public int size() {
        return members.length;
    }

    /** FNV-1a over the chars, finished by {@link #mix}: spreads ids that differ in one char. */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return outside ? "outside" : String.join(", ", members);
    }
}

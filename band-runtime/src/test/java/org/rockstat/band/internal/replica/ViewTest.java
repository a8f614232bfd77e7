package org.rockstat.band.internal.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing over the members: one owner per key, shares even, only the leaver's share moves. */
class ViewTest {
    private static final List<String> THREE = List.of("a1b2c3d4e5f6", "0f1e2d3c4b5a", "deadbeef0001");

    @Test
    void everyKeyHasExactlyOneOwnerAndTheSharesAreEven() {
        View view = View.of(THREE);
        int[] shares = new int[3];
        for (int k = 0; k < 30_000; k++) {
            String key = "front|" + Integer.toString(k, 36);
            int owners = 0;
            for (int m = 0; m < 3; m++) {
                if (view.owns(THREE.get(m), key)) {
                    owners++;
                    shares[m]++;
                }
            }
            assertThat(owners).as("owners of " + key).isEqualTo(1);
        }
        for (int share : shares) {
            assertThat(share).isBetween(9_000, 11_000);
        }
    }

    @Test
    void aMemberLeavingMovesOnlyItsOwnShare() {
        View before = View.of(THREE);
        View after = before.without(THREE.get(2));
        for (int k = 0; k < 10_000; k++) {
            String key = "event|" + k;
            for (String member : THREE.subList(0, 2)) {
                if (before.owns(member, key)) {
                    assertThat(after.owns(member, key))
                            .as(key + " stays with " + member)
                            .isTrue();
                }
            }
        }
        assertThat(after.members()).containsExactly(THREE.get(1), THREE.get(0));
    }

    @Test
    void oneMemberOwnsEverythingOutsideOwnsNothingAndNoMembersLeavesItToTheAsker() {
        assertThat(View.of(List.of("me")).owns("me", "x")).isTrue();
        assertThat(View.of(List.of("other")).owns("me", "x")).isFalse();
        assertThat(View.OUTSIDE.owns("me", "x")).isFalse();
        assertThat(View.OUTSIDE.with("me").isMember()).isFalse();
        assertThat(View.of(List.of("me")).without("me").owns("me", "x")).isTrue();
    }
}

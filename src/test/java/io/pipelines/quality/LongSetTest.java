package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LongSetTest {

    @Test
    void agreesWithAHashSetOverManyValuesZeroAndNegativesIncluded() {
        LongSet set = new LongSet();
        Set<Long> reference = new HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            long v = random.nextInt(150_000) - 20_000L;
            assertThat(set.add(v)).isEqualTo(reference.add(v));
        }
        assertThat(set.add(0)).isEqualTo(reference.add(0L));
        assertThat(set.add(0)).isFalse();
        assertThat(set.add(Long.MIN_VALUE)).isTrue();
        assertThat(set.add(Long.MIN_VALUE)).isFalse();
    }
}

package io.pipelines.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.pipelines.config.PipelinesProperties;

/** The backoff of task retries, and a pipeline's overrides over pipelines.retry. */
class TaskRetriesTest {

    @Test
    void delaysGrowByTheMultiplierUpToTheMaximum() {
        PipelinesProperties.Retry policy = retry(3, Duration.ofSeconds(4), 2.0, Duration.ofSeconds(60));

        assertThat(TaskRetries.delay(policy, 1)).isEqualTo(Duration.ofSeconds(4));
        assertThat(TaskRetries.delay(policy, 2)).isEqualTo(Duration.ofSeconds(8));
        assertThat(TaskRetries.delay(policy, 3)).isEqualTo(Duration.ofSeconds(16));
        assertThat(TaskRetries.delay(policy, 5)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aPipelinesSettingsOverrideOnlyWhatTheySet() {
        PipelinesProperties.Retry global = retry(3, Duration.ofSeconds(4), 2.0, Duration.ofSeconds(60));
        PipelinesProperties.Retry pipeline = new PipelinesProperties.Retry();
        pipeline.setMaxRetries(5);
        pipeline.setMaxDelay(Duration.ofSeconds(10));

        PipelinesProperties.Retry effective = pipeline.over(global);

        assertThat(effective.getMaxRetries()).isEqualTo(5);
        assertThat(effective.getInitialDelay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(effective.getMultiplier()).isEqualTo(2.0);
        assertThat(TaskRetries.delay(effective, 3)).isEqualTo(Duration.ofSeconds(10));
    }

    private static PipelinesProperties.Retry retry(int max, Duration initial, double multiplier, Duration maxDelay) {
        PipelinesProperties.Retry r = new PipelinesProperties.Retry();
        r.setMaxRetries(max);
        r.setInitialDelay(initial);
        r.setMultiplier(multiplier);
        r.setMaxDelay(maxDelay);
        return r;
    }
}

package io.pipelines.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.impl.StdSchedulerFactory;

import io.pipelines.config.PipelinesProperties;

/** An instance fires the shared schedules from the moment it is ready, unless pipelines.cluster.fire-schedules is false. */
class SchedulerStartStopTest {

    @Test
    void aReadyInstanceStartsItsSchedulerAndPutsItInStandbyWhenItCloses() throws Exception {
        Scheduler scheduler = scheduler();
        try {
            SchedulerStartStop startStop = new SchedulerStartStop(scheduler, new PipelinesProperties());

            startStop.start();
            assertThat(scheduler.isStarted()).isTrue();
            assertThat(scheduler.isInStandbyMode()).isFalse();

            startStop.standBy();
            assertThat(scheduler.isInStandbyMode()).isTrue();
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void anInstanceThatFiresNoScheduleLeavesItsSchedulerInStandby() throws Exception {
        Scheduler scheduler = scheduler();
        try {
            PipelinesProperties properties = new PipelinesProperties();
            properties.getCluster().setFireSchedules(false);

            new SchedulerStartStop(scheduler, properties).start();

            assertThat(scheduler.isStarted()).isFalse();
            assertThat(scheduler.isInStandbyMode()).isTrue();
        } finally {
            scheduler.shutdown();
        }
    }

    /** A real Quartz scheduler (in memory), not started. */
    private static Scheduler scheduler() throws Exception {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "start-stop-test-" + UUID.randomUUID());
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        return new StdSchedulerFactory(p).getScheduler();
    }
}

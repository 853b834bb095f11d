package io.pipelines.schedule;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;

/**
 * When this instance takes part in firing the shared schedules: from the moment the application
 * is ready (every schedule route exists, so no fire lands here before its route) until the
 * moment it starts to close (before Camel stops the routes, so no fire lands on a route that is
 * gone: the other instances take them); never when pipelines.cluster.fire-schedules is false. Neither Spring nor Camel starts the scheduler itself
 * (spring.quartz.auto-startup and camel.component.quartz.auto-start-scheduler are false).
 */
@Component
public class SchedulerStartStop {

    private static final Logger log = LoggerFactory.getLogger(SchedulerStartStop.class);

    private final Scheduler scheduler;
    private final boolean fireSchedules;

    public SchedulerStartStop(Scheduler scheduler, PipelinesProperties properties) {
        this.scheduler = scheduler;
        this.fireSchedules = properties.getCluster().isFireSchedules();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() throws SchedulerException {
        if (!fireSchedules) {
            log.info("Quartz scheduler {} stays in standby: this instance fires no schedule "
                    + "(pipelines.cluster.fire-schedules=false)", scheduler.getSchedulerName());
            return;
        }
        if (!scheduler.isStarted() || scheduler.isInStandbyMode()) {
            scheduler.start();
            log.info("Quartz scheduler {} ({}) started: this instance now fires the shared schedules",
                    scheduler.getSchedulerName(), scheduler.getSchedulerInstanceId());
        }
    }

    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void standBy() {
        try {
            if (scheduler.isStarted() && !scheduler.isShutdown()) {
                scheduler.standby();
                log.info("Quartz scheduler in standby: the other instances fire the shared schedules");
            }
        } catch (SchedulerException e) {
            log.warn("Quartz scheduler not put in standby: {}", e.getMessage());
        }
    }
}

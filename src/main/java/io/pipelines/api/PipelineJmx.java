package io.pipelines.api;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.pipelines.run.BatchPipeline;
import io.pipelines.run.PipelineCatalog;
import io.pipelines.schedule.PipelineSchedules;
import io.pipelines.stream.DeclaredStream;
import io.pipelines.stream.Streams;

/**
 * Registers one {@link PipelineControlMBean} per pipeline, each operation through {@link ControlApi}, and
 * one {@link StreamControlMBean} per declared stream.
 */
@Component
public class PipelineJmx implements DisposableBean {

    public static final String DOMAIN = "io.pipelines";

    private final PipelineCatalog catalog;
    private final PipelineSchedules schedules;
    private final ControlApi api;
    private final Streams streams;
    private final DeadLetterApi deadLetters;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    public PipelineJmx(PipelineCatalog catalog, PipelineSchedules schedules, ControlApi api, DeadLetterApi deadLetters,
                       Streams streams) {
        this.catalog = catalog;
        this.streams = streams;
        this.schedules = schedules;
        this.api = api;
        this.deadLetters = deadLetters;
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void register() throws Exception {
        List<String> pipelines = new ArrayList<>(catalog.names());
        for (String pipeline : pipelines) {
            ObjectName name = objectName(pipeline);
            if (server.isRegistered(name)) {
                // Another application context of this JVM (tests start several) registered it.
                continue;
            }
            server.registerMBean(new StandardMBean(new Control(pipeline), PipelineControlMBean.class), name);
            registered.add(name);
        }
        // Every declared stream (its route may not have started yet when the service is ready).
        for (DeclaredStream stream : streams.all()) {
            ObjectName streamName = streamObjectName(stream.name());
            if (!server.isRegistered(streamName)) {
                server.registerMBean(new StandardMBean(new Stream(stream), StreamControlMBean.class), streamName);
                registered.add(streamName);
            }
        }
    }

    public static ObjectName streamObjectName(String stream) throws Exception {
        return new ObjectName(DOMAIN + ":type=Stream,name=" + ObjectName.quote(stream));
    }

    private final class Stream implements StreamControlMBean {
        private final DeclaredStream stream;

        Stream(DeclaredStream stream) {
            this.stream = stream;
        }

        @Override
        public String getName() {
            return stream.name();
        }

        @Override
        public String getState() {
            return api.streamState(stream.name());
        }

        @Override
        public String foldLateEvents(String eventIds) {
            // LateEvents refuses no ids or too many, naming the bound.
            return stream.lateEvents().fold(java.util.Arrays.stream(eventIds == null ? new String[0] : eventIds.split(","))
                    .map(String::strip).filter(id -> !id.isEmpty()).toList()).toString();
        }
    }

    public static ObjectName objectName(String pipeline) throws Exception {
        return new ObjectName(DOMAIN + ":type=Pipeline,name=" + ObjectName.quote(pipeline));
    }

    @Override
    public synchronized void destroy() throws Exception {
        for (ObjectName name : registered) {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        }
        registered.clear();
    }

    private final class Control implements PipelineControlMBean {
        private final String pipeline;

        Control(String pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public String getName() {
            return pipeline;
        }

        @Override
        public String getState() {
            return schedules.state(pipeline);
        }

        @Override
        public long trigger(String logicalDate) {
            return api.trigger(pipeline, date("logicalDate", logicalDate), "jmx", false);
        }

        @Override
        public String backfill(String from, String to) {
            return api.backfill(pipeline, date("from", from), date("to", to), "jmx", false).toString();
        }

        @Override
        public String resume(long runId) {
            if (!pipeline.equals(api.run(Long.toString(runId)).pipeline())) {
                throw new IllegalArgumentException("Run " + runId + " is not a run of " + pipeline);
            }
            return api.resume(runId, false).toString();
        }

        @Override
        public String[] getDeadLetters() {
            return deadLetters.list(pipeline, "NEW", "100").stream()
                    .map(d -> d.id() + " run " + d.runId() + " " + d.logicalDate() + " " + d.task() + ": " + d.errorClass()
                            + ": " + d.message())
                    .toArray(String[]::new);
        }

        @Override
        public String replayDeadLetter(long id) {
            return deadLetters.replay(Long.toString(id)).toString();
        }

        @Override
        public void suspend() throws Exception {
            schedules.suspend(pipeline);
        }

        @Override
        public void resume() throws Exception {
            schedules.resume(pipeline);
        }

        private static LocalDate date(String field, String text) {
            try {
                return LocalDate.parse(text == null ? "" : text.strip());
            } catch (DateTimeParseException e) {
                // JMX clients show the message; ApiProblem is a plain RuntimeException they can carry.
                throw new IllegalArgumentException(field + " must be a date of the form YYYY-MM-DD");
            }
        }
    }
}

package io.pipelines.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.pipelines.PipelinesApplication;

/** Another instance of the whole service in the test JVM, on the same embedded servers (shared per JVM). */
public final class AnotherService {

    private AnotherService() {
    }

    public static ConfigurableApplicationContext start() {
        return start(new String[0]);
    }

    /** With more settings (--name=value), which win over the defaults below. */
    public static ConfigurableApplicationContext start(String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--camel.main.name=pipelines-" + UUID.randomUUID(),
                // Quartz keys its JDBC connection by scheduler name in a JVM-wide registry: another
                // context in this JVM needs a name of its own (in production each instance is a JVM).
                "--spring.quartz.scheduler-name=pipelines-" + UUID.randomUUID(),
                "--pipelines.local.demo.rate=0",
                "--pipelines.local.demo.today=" + TestDates.DEMO_TODAY_TEXT,
                // It fires no schedule, as the test's own service (its Quartz scheduler is a cluster of its own).
                "--pipelines.cluster.fire-schedules=false",
                "--pipelines.lake.spool-dir=target/test-spool",
                "--pipelines.dead-letters.dir=target/test-dead-letters",
                "--pipelines.security.username=other",
                "--pipelines.security.password=" + UUID.randomUUID(),
                "--pipelines.stream.batch-size=200",
                "--pipelines.stream.batch-interval=300ms",
                "--pipelines.stream.retry-initial-delay=100ms",
                "--pipelines.stream.retry-max-delay=1s",
                "--pipelines.stream.max-clock-skew=30d", // as the test's own service (the tests' events run ahead)
                // Its lease as the test's own service sees leases: renewed well within the 4 s that service allows
                // (with the production 30 s lease renewed every 5 s, that service took its runs for orphans).
                "--pipelines.cluster.lease=4s",
                "--pipelines.cluster.heartbeat-interval=1s",
                "--pipelines.retry.initial-delay=500ms",
                "--pipelines.retry.max-delay=2s",
                "--pipelines.runs.deadline-check-interval=0"));
        args.addAll(List.of(settings));
        // Command-line arguments: they win over application.yml, as the test's own properties do.
        return new SpringApplicationBuilder(PipelinesApplication.class).profiles("local").run(args.toArray(String[]::new));
    }
}

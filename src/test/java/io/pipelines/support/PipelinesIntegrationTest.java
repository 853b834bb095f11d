package io.pipelines.support;

import java.util.List;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.junit.jupiter.api.Tag;

/**
 * The whole service on the local profile's embedded servers (started once per test JVM and shared):
 * every integration test class extends this one, so that they all reuse one application context.
 * Each test works on dates of its own (TestDates); no schedule fires here.
 */
@CamelSpringBootTest
// JMX and the Prometheus endpoint as in production (Camel's and Spring's tests turn them off by default).
@DisableJmx(false)
@AutoConfigureObservability
@SpringBootTest(classes = io.pipelines.PipelinesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // The local profile's servers, on free ports, with fresh data under target/ (never the developer's data/).
            "pipelines.local.data-dir=target/test-data",
            "pipelines.local.clean-start=true",
            "pipelines.local.postgres-port=0",
            "pipelines.local.s3-port=0",
            "pipelines.local.kafka-port=0",
            "pipelines.local.kafka-controller-port=0",
            "pipelines.local.demo.rate=0",
            "pipelines.local.mariadb-port=0",
            "pipelines.local.products-api-port=0",
            // Short batches and retries keep the stream tests quick.
            "pipelines.stream.batch-size=200",
            "pipelines.stream.batch-interval=300ms",
            "pipelines.stream.retry-initial-delay=100ms",
            "pipelines.stream.retry-max-delay=1s",
            // Each stream test's events begin after every event time seen so far: they run hours ahead of the clock.
            "pipelines.stream.max-clock-skew=30d",
            // Runs of a dead instance are taken over within seconds, not the half minute of production.
            "pipelines.cluster.lease=4s",
            "pipelines.cluster.heartbeat-interval=1s",
            "pipelines.cluster.recovery-interval=1s",
            // Task retries after 0.5 s, 1 s, 2 s: quick, and wide enough for a test to repair a fault.
            "pipelines.retry.initial-delay=500ms",
            "pipelines.retry.max-delay=2s",
            "pipelines.dead-letters.dir=target/test-dead-letters",
            "pipelines.local.demo.orders-per-day=400",
            // The demo orders are on the 30 days before this fixed day: the tests' dates (TestDates) have the same
            // data whatever day the suite runs, also across midnight.
            "pipelines.local.demo.today=" + TestDates.DEMO_TODAY_TEXT,
            // No schedule fires in the shared context (the hourly demo sources would run between and during tests);
            // a test that needs one fires it itself, or starts an instance that fires them.
            "pipelines.cluster.fire-schedules=false",
            // Deadlines are checked by the tests themselves, at the times they choose (DeadlinesTest).
            "pipelines.runs.deadline-check-interval=0",
            // Small objects, so that a day of demo orders spans several of them.
            "pipelines.lake.rows-per-object=150",
            "pipelines.lake.spool-dir=target/test-spool",
            "pipelines.security.username=" + TestApi.USER,
            "pipelines.security.password=${random.uuid}"
        })
@ActiveProfiles("local")
@Import({TestApi.class, Warehouse.class, StreamFixture.class})
@Tag("integration")
public abstract class PipelinesIntegrationTest {

    /** Alerts are posted to a small HTTP server of the tests. */
    @DynamicPropertySource
    static void alertWebhook(DynamicPropertyRegistry registry) {
        registry.add("pipelines.alerts.webhook-url", AlertReceiver::url);
    }

    /** A viewer and an operator besides the tests' admin (pipelines.security.username), each with a hashed password. */
    @DynamicPropertySource
    static void logins(DynamicPropertyRegistry registry) {
        for (TestApi.Login login : List.of(TestApi.VIEWER, TestApi.OPERATOR)) {
            registry.add("pipelines.security.users." + login.user() + ".role", login::role);
            registry.add("pipelines.security.users." + login.user() + ".password-hash", login::passwordHash);
        }
        // And the tokens of an identity provider, checked against the keys it publishes.
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", TestIdentityProvider::jwkSetUrl);
    }

    /** The sources the tests add by configuration (pipelines.sources), and their fake HTTP API. */
    @DynamicPropertySource
    static void testSources(DynamicPropertyRegistry registry) {
        TestSources.register(registry);
    }

    @Autowired
    protected TestApi api;
    @Autowired
    protected Warehouse warehouse;
    @Autowired
    protected StreamFixture stream;
}

package io.pipelines.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The whole service on the local profile's embedded servers (started once per test JVM and shared):
 * every integration test class carries this annotation, so that they all reuse one application
 * context. Each test works on dates of its own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@CamelSpringBootTest
@SpringBootTest(classes = io.pipelines.PipelinesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // The local profile's servers, on free ports, with fresh data under target/ (never the developer's data/).
            "pipelines.local.data-dir=target/test-data",
            "pipelines.local.clean-start=true",
            "pipelines.local.postgres-port=0",
            "pipelines.local.s3-port=0",
            "pipelines.local.demo.orders-per-day=400",
            // Small objects, so that a day of demo orders spans several of them.
            "pipelines.lake.rows-per-object=150",
            "pipelines.lake.spool-dir=target/test-spool",
            "pipelines.security.username=" + TestApi.USER,
            "pipelines.security.password=${random.uuid}"
        })
@ActiveProfiles("local")
@Import({TestApi.class, Warehouse.class})
public @interface PipelinesIntegrationTest {
}

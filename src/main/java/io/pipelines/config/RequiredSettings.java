package io.pipelines.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;
import org.springframework.util.ClassUtils;

/**
 * The settings the service cannot run without, checked before anything starts, all at once: a
 * service started without them (the packaged jar or the image, on any profile but the lab's
 * {@value #LOCAL_PROFILE}) stops with one message that lists every one missing, with its
 * environment variable, rather than with the first unresolved placeholder.
 */
public class RequiredSettings implements EnvironmentPostProcessor {

    /** The profile of the local lab (embedded servers and demo data; on the test classpath only: ./mvnw spring-boot:test-run). */
    public static final String LOCAL_PROFILE = "local";
    /** A class of the lab, present on the test classpath only. */
    private static final String LAB = "io.pipelines.local.LocalServersEnvironmentPostProcessor";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
            if (!ClassUtils.isPresent(LAB, getClass().getClassLoader())) {
                throw new IllegalStateException("The " + LOCAL_PROFILE + " profile is the local lab's (embedded servers, demo "
                        + "data), which the packaged service does not hold: start the lab with ./mvnw spring-boot:test-run, or "
                        + "this service on another profile (prod) with its settings");
            }
            return;
        }
        List<String> missing = new ArrayList<>();
        require(environment, "spring.datasource.url", "WAREHOUSE_URL", "the warehouse (PostgreSQL JDBC URL)", missing);
        require(environment, "pipelines.connections.sales.url", "SALES_DB_URL", "the source database of connection 'sales'", missing);
        if (!"false".equalsIgnoreCase(value(environment, "pipelines.stream.enabled"))) {
            require(environment, "pipelines.stream.bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS",
                    "the Kafka brokers of the stream (or PIPELINES_STREAM_ENABLED=false)", missing);
        }
        boolean admin = value(environment, "pipelines.security.username") != null
                && value(environment, "pipelines.security.password") != null;
        boolean users = Binder.get(environment).bind("pipelines.security.users", Bindable.mapOf(String.class, Map.class))
                .map(m -> !m.isEmpty()).orElse(false);
        boolean identityProvider = value(environment, "spring.security.oauth2.resourceserver.jwt.issuer-uri") != null
                || value(environment, "spring.security.oauth2.resourceserver.jwt.jwk-set-uri") != null;
        if (!admin && !users && !identityProvider) {
            missing.add("PIPELINES_USER and PIPELINES_PASSWORD (pipelines.security.username and .password), or users under "
                    + "pipelines.security.users, or an identity provider "
                    + "(spring.security.oauth2.resourceserver.jwt.issuer-uri): a login");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The service cannot start without these settings (environment variables; every "
                    + "setting is in docs/settings.md; the local lab with its embedded servers is ./mvnw spring-boot:test-run):\n  - "
                    + String.join("\n  - ", missing));
        }
    }

    private static void require(ConfigurableEnvironment environment, String property, String variable, String what,
                                List<String> missing) {
        if (value(environment, property) == null) {
            missing.add(variable + " (" + property + "): " + what);
        }
    }

    /** The setting's value; null when it is not set, empty, or a placeholder with nothing behind it. */
    private static String value(ConfigurableEnvironment environment, String property) {
        try {
            String v = environment.getProperty(property);
            return v == null || v.isBlank() ? null : v;
        } catch (IllegalArgumentException unresolved) {
            return null;
        }
    }
}

package io.pipelines.local;

import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.StreamDeclarations;

/**
 * In the {@code local} profile, starts the embedded servers before any bean needs them and
 * publishes their ports as {@code pipelines.local.postgres-port}, {@code .s3-port}, {@code .kafka-port},
 * {@code .mariadb-port} and {@code .products-api-port},
 * which the local profile's addresses in application.yml refer to. Any other profile: does nothing.
 */
public class LocalServersEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    public static final String LOCAL_PROFILE = io.pipelines.config.RequiredSettings.LOCAL_PROFILE;

    /** Logging is not set up yet when this runs: messages are kept and written once it is. */
    private final Log log;

    public LocalServersEnvironmentPostProcessor(DeferredLogFactory logs) {
        this.log = logs.getLog(LocalServers.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
            return;
        }
        Binder binder = Binder.get(environment);
        LocalServersProperties settings = binder.bind("pipelines.local", LocalServersProperties.class)
                .orElseGet(LocalServersProperties::new);
        String bucket = binder.bind("pipelines.lake.bucket", String.class).orElse("lake");
        // The topics of every declared stream (streams/*.yaml) and its dead letters, then the service's own.
        // A declaration that cannot be read is left to the service, which stops naming its mistake.
        List<String> topics = new java.util.ArrayList<>();
        try {
            for (StreamDeclaration d : new StreamDeclarations(environment).all()) {
                topics.add(d.source().topic());
                topics.add(d.source().deadLetterTopic());
            }
        } catch (RuntimeException e) {
            log.warn("Local servers: no topics made for the streams (" + e.getMessage() + ")");
        }
        topics.add(binder.bind("pipelines.dead-letters.topic", String.class).orElse("pipeline.dlq"));
        topics.add(binder.bind("pipelines.alerts.topic", String.class).orElse("pipeline.alerts"));
        LocalServers servers = LocalServers.startOnce(settings, bucket, topics, log);
        environment.getPropertySources().addFirst(new MapPropertySource("localServers", Map.of(
                "pipelines.local.postgres-port", servers.postgresPort(),
                "pipelines.local.s3-port", servers.s3Port(),
                "pipelines.local.kafka-port", servers.kafkaPort(),
                "pipelines.local.mariadb-port", servers.mariaDbPort(),
                "pipelines.local.products-api-port", servers.productsApiPort())));
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }
}

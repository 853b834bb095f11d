package io.pipelines;

import org.springframework.boot.SpringApplication;

import io.pipelines.config.RequiredSettings;

/**
 * The service in its local lab: the local profile, whose embedded PostgreSQL, MariaDB, Kafka and S3
 * servers, demo data and demo producers live on the test classpath only (io.pipelines.local), so
 * that the packaged jar and the image hold none of them. {@code ./mvnw spring-boot:test-run}.
 */
public final class LocalLab {

    private LocalLab() {
    }

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(PipelinesApplication.class);
        application.setAdditionalProfiles(RequiredSettings.LOCAL_PROFILE);
        PipelinesApplication.start(application, args);
    }
}

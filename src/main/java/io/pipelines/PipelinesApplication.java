package io.pipelines;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The pipelines service: Camel routes from routes/ run over the beans of this package. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class PipelinesApplication {

    /** Exit status of a service that could not start (a bad setting, route, SQL file or suite, a server down). */
    public static final int START_FAILED = 1;

    public static void main(String[] args) {
        start(new SpringApplication(PipelinesApplication.class), args);
    }

    /** Runs the service; when it cannot start, the process ends with {@link #START_FAILED}. */
    public static void start(SpringApplication application, String[] args) {
        try {
            application.run(args);
        } catch (Throwable e) {
            // Spring Boot has logged why. Exit at once: the local profile's embedded servers (child processes,
            // threads that are not daemons) would keep the process alive with nothing to serve; exiting runs
            // the shutdown hook that stops them.
            System.exit(START_FAILED);
        }
    }
}

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

    public static void main(String[] args) {
        SpringApplication.run(PipelinesApplication.class, args);
    }
}

package io.pipelines.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Small shared beans. */
@Configuration(proxyBeanMethods = false)
public class ServiceConfig {

    /** The service's clock (UTC); tests may replace it. */
    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }
}

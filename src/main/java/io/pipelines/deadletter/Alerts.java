package io.pipelines.deadletter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/**
 * The alert channels (pipelines.alerts): an alert, already logged by its caller, is posted to the
 * webhook and sent to the alerts topic when they are configured. Never throws: a channel that cannot
 * be reached is logged.
 */
@Component
public class Alerts {

    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final KafkaNotices kafka;
    private final ObjectMapper json;
    private final PipelinesProperties.Alerts settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Alerts(KafkaNotices kafka, ObjectMapper json, PipelinesProperties properties) {
        this.kafka = kafka;
        this.json = json;
        this.settings = properties.getAlerts();
    }

    /** The link to a run in an alert. */
    public String runLink(Object runId) {
        return settings.getServiceUrl() + "/api/runs/" + runId;
    }

    /** Posts the alert (a JSON object) to the webhook and the alerts topic, keyed by the pipeline. */
    public void send(String pipeline, Map<String, Object> alert) {
        if (!settings.getWebhookUrl().isBlank()) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(settings.getWebhookUrl()))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(alert))).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() >= 300) {
                    log.warn("Alert webhook answered {}", response.statusCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Alert webhook not reached: interrupted");
            } catch (Exception e) {
                log.warn("Alert webhook could not be reached: {}", e.toString());
            }
        }
        kafka.publish(settings.getTopic(), pipeline, alert);
    }
}

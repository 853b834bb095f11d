package io.pipelines.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns the exception of a failed API call into an RFC 7807 problem-details response
 * (application/problem+json). Unexpected errors become a 500 whose body gives no internals; the
 * log has them.
 */
@Component("problemResponses")
public class ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private final ObjectMapper json;

    public ProblemResponses(ObjectMapper json) {
        this.json = json;
    }

    public void render(Exchange exchange) throws JsonProcessingException {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        int status;
        if (error instanceof ApiProblem p) {
            status = p.status();
            problem.put("title", p.title());
            problem.put("status", status);
            problem.put("detail", p.getMessage());
            if (p.field() != null) {
                problem.put("field", p.field());
            }
        } else {
            status = 500;
            log.error("API call {} failed", uri, error);
            problem.put("title", "Internal server error");
            problem.put("status", status);
            problem.put("detail", "The request could not be completed; the service log has the cause.");
        }
        problem.put("instance", uri != null ? uri : path);
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        message.setBody(json.writeValueAsString(problem));
    }
}

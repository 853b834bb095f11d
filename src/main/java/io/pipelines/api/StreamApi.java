package io.pipelines.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.stream.DeclaredStream;
import io.pipelines.stream.StreamDeclaration;
import io.pipelines.stream.Streams;

/**
 * GET /api/streams/{name} (routes/rest-api.camel.yaml), the console's stream page: its state here, each
 * partition's latest event time (the warehouse's, for every instance) and lag (as this instance last saw it:
 * the partitions it consumes), its late events, and the last hour on this instance a minute at a time.
 */
@Component("streamApi")
public class StreamApi {

    private final Streams streams;
    private final ControlApi control;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public StreamApi(Streams streams, ControlApi control, JdbcTemplate jdbc, Clock clock) {
        this.streams = streams;
        this.control = control;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Map<String, Object> stream(String name) {
        if (!streams.has(name)) {
            throw ApiProblem.notFound("No stream named " + name);
        }
        DeclaredStream stream = streams.get(name);
        StreamDeclaration d = stream.declaration();
        Map<Integer, Long> lag = stream.metrics().lag();
        List<Map<String, Object>> partitions = jdbc.query("SELECT kafka_partition, max_event_time, updated_at "
                + "FROM etl.stream_watermarks WHERE stream = ? ORDER BY kafka_partition", (rs, n) -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    int partition = rs.getInt(1);
                    p.put("partition", partition);
                    p.put("lag", lag.get(partition));
                    p.put("maxEventTime", rs.getTimestamp(2).toInstant());
                    p.put("updatedAt", rs.getTimestamp(3).toInstant());
                    return p;
                }, name);
        Map<String, Object> late = jdbc.queryForMap("SELECT count(*) AS total, "
                + "count(*) FILTER (WHERE recorded_at > now() - interval '1 hour') AS last_hour "
                + "FROM etl.late_events WHERE stream = ?", name);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", name);
        answer.put("state", control.streamState(name));
        answer.put("topic", d.source().topic());
        answer.put("group", d.source().group());
        answer.put("windowTable", d.window().table());
        answer.put("partitions", partitions);
        answer.put("lateEvents", late.get("total"));
        answer.put("lateEventsLastHour", late.get("last_hour"));
        answer.put("lastHour", stream.metrics().lastHour(clock.instant()));
        return answer;
    }
}

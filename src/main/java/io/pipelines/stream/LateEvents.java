package io.pipelines.stream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;


/**
 * Folds chosen late events (those of etl.late_events, beyond the stream's allowed lateness) into their
 * windows (the stream's window table): each event is added to its window and counted as one of its
 * corrections, and marked folded, in one statement, so that an event is folded once however often
 * and however concurrently it is asked for.
 */
public class LateEvents {

    /** Most events one call folds. */
    public static final int MAX_EVENTS = 10_000;

    /** What a fold did: the events folded now, and those asked for that were not (unknown, or folded before). */
    public record Folded(List<String> folded, List<String> notFolded) {
    }

    private final JdbcTemplate jdbc;
    private final StreamMetrics metrics;
    private final String stream;

    private final String foldLateEvents;

    public LateEvents(JdbcTemplate jdbc, StreamMetrics metrics, StreamDeclaration declaration) {
        this.jdbc = jdbc;
        this.metrics = metrics;
        this.stream = declaration.name();
        this.foldLateEvents = new StreamSql(declaration).foldLateEvents();
    }

    public Folded fold(List<String> eventIds) {
        Set<String> asked = new LinkedHashSet<>(eventIds);
        if (asked.isEmpty() || eventIds.size() > MAX_EVENTS) {
            throw new IllegalArgumentException("eventIds: give 1 to " + MAX_EVENTS + " late event ids (" + eventIds.size()
                    + " given)");
        }
        List<String> folded = jdbc.queryForList(foldLateEvents, String.class, asked.toArray(String[]::new), stream);
        metrics.folded(folded.size());
        Set<String> done = Set.copyOf(folded);
        List<String> now = new ArrayList<>();
        List<String> notFolded = new ArrayList<>();
        for (String id : asked) {
            (done.contains(id) ? now : notFolded).add(id);
        }
        return new Folded(now, notFolded);
    }
}

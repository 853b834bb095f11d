package io.pipelines.source;

import java.time.LocalDate;
import java.util.List;
import io.pipelines.schema.SourceColumn;

/**
 * What one run's extract read from its source, written beside the landed objects
 * ({@code _increment.json}, before the manifest) for the load to apply in one transaction.
 *
 * @param from          the watermark the run started after (null: first load)
 * @param to            the mark of the last row read (null: nothing new; the watermark stays)
 * @param bound         jdbc: the largest cursor value when the run started (rows after it wait for the next run)
 * @param pagesRead     http: pages read
 * @param schemaVersion the version of the source's schema the rows have
 * @param schemaChange  what changed since the version before ("initial" for the first), null when nothing did
 */
public record Increment(String source, long runId, LocalDate logicalDate, Watermark from, Watermark to, String bound,
                        Integer pagesRead, long rowsRead, int schemaVersion, List<SourceColumn> columns,
                        String schemaChange) {

    public static final String FILE = "_increment.json";
}

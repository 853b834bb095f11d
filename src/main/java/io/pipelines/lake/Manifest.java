package io.pipelines.lake;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The record of one landed run, written last: a run folder without it is not committed.
 *
 * @param schema the Avro schema (JSON) of every object
 */
public record Manifest(String pipeline, long runId, LocalDate logicalDate, long rows, String schema,
                       List<LakeObject> objects, Instant createdAt) {

    /** One Parquet object of the run. */
    public record LakeObject(String key, long rows, long bytes, String sha256) {
    }

    public List<String> keys() {
        return objects.stream().map(LakeObject::key).toList();
    }
}

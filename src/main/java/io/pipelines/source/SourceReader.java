package io.pipelines.source;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import io.pipelines.config.SourceDefinition;

/** Reads the rows of a source after its watermark. */
public interface SourceReader {

    /** Where the rows read go: the schema first, then each row. */
    interface Rows {
        void begin(Schema schema) throws Exception;

        void row(GenericRecord record) throws Exception;

        /**
         * The row that sorts last in (cursor, key...) order, the mark, when the rows were not read in that
         * order (after every row).
         */
        default void last(GenericRecord record) {
        }

        /**
         * The staging type of each column of the source's last recorded schema version (empty: none yet): a
         * reader that finds its types from the values (http) keeps a column's type where the values fit it.
         */
        default java.util.Map<String, String> recordedTypes() {
            return java.util.Map.of();
        }
    }

    /** How much was read: the bound taken at the start (jdbc) or the pages read (http). */
    record Summary(String bound, Integer pagesRead) {
    }

    Summary read(SourceDefinition source, Watermark after, Rows rows) throws Exception;
}

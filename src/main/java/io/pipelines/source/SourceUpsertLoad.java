package io.pipelines.source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import io.pipelines.config.SourceDefinition;
import io.pipelines.lake.Manifest;
import io.pipelines.schema.SourceColumn;
import io.pipelines.warehouse.StagingSchema;
import io.pipelines.warehouse.StagingUpsert;
import io.pipelines.warehouse.TableLoad;

/**
 * The load of a source's increment into its staging table, in the caller's transaction (fed in the
 * extract's pass, or by the load task reading the landed objects back): locks the source's
 * watermark and checks it is still the one the extract started after; brings the staging table's
 * columns in line with the rows' schema; upserts the rows by key ({@link StagingUpsert}); then
 * records the new schema version, moves the watermark to the increment's end and records the
 * lineage. The increment (what the extract read) is given once the extract has finished.
 */
final class SourceUpsertLoad implements TableLoad {

    private final SourceDefinition source;
    private final long runId;
    private final Watermark from;
    private final boolean mayCopyStraight;
    private final SourceStores stores;
    private Increment increment;
    private StagingUpsert upsert;
    private long copied;

    /**
     * {@code from}: the watermark the extract started after; {@code mayCopyStraight}: whether rows may
     * go straight into an empty table (see {@link StagingUpsert}).
     */
    SourceUpsertLoad(SourceDefinition source, long runId, Watermark from, boolean mayCopyStraight, SourceStores stores) {
        this.source = source;
        this.runId = runId;
        this.from = from;
        this.mayCopyStraight = mayCopyStraight;
        this.stores = stores;
    }

    /** What the extract read: its end mark, bound or pages, and schema version; needed before {@link #complete}. */
    void increment(Increment increment) {
        this.increment = increment;
    }

    @Override
    public String table() {
        return source.stagingTable();
    }

    @Override
    public void begin(Connection c, Schema schema) throws Exception {
        stores.watermarks().lockAndCheck(c, source.name(), from, null, runId);
        List<SourceColumn> columns = SourceColumn.of(schema);
        if (columns.isEmpty()) {
            return; // an API that sent no record: nothing to copy, the watermark and the lineage are still recorded
        }
        List<String> keys = source.settings().getKeyColumns();
        StagingSchema.Evolved table = stores.stagingSchema().evolve(c, source.name(), source.stagingTable(), columns, keys);
        upsert = StagingUpsert.open(c, source.stagingTable(), new ArrayList<>(table.columns().keySet()), keys, schema,
                runId, mayCopyStraight, table.made(),
                !source.isJdbc()); // an API's record without a field: not known to be gone, its stored value kept
    }

    /** Whether the rows went straight into the (empty) table: a unique violation then means two rows of one key. */
    boolean straight() {
        return upsert != null && upsert.straight();
    }

    @Override
    public void row(GenericRecord record) throws SQLException {
        upsert.row(record);
    }

    @Override
    public long endRows() throws SQLException {
        copied = upsert == null ? 0 : upsert.endRows();
        return copied;
    }

    @Override
    public long complete(Connection c, Manifest manifest) throws Exception {
        if (increment == null) {
            throw new IllegalStateException("Source " + source.name() + " run " + runId + ": the load completed before "
                    + "the extract gave its increment");
        }
        long loaded = upsert == null ? 0 : upsert.apply(copied);
        if (increment.schemaChange() != null && !increment.columns().isEmpty()) {
            stores.schemaVersions().record(c, source.name(), increment.schemaVersion(), increment.columns(),
                    increment.schemaChange(), runId);
        }
        if (increment.to() != null) {
            stores.watermarks().move(c, source.name(), increment.to(), runId);
        }
        stores.lineage().record(c, source, increment, manifest.keys(), manifest.rows(), loaded);
        return loaded;
    }

    @Override
    public void close() throws SQLException {
        if (upsert != null) {
            upsert.close();
        }
    }
}

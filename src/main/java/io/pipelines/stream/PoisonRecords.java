package io.pipelines.stream;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the records of a batch that the warehouse refuses, so that they become dead letters and the
 * rest of the batch loads: a record the parser took can still fail its load (a constraint of the
 * table, a value out of a column's range, a window's sum out of its type), and retried with its
 * batch it would stop its partition for good. The batch's records are loaded in halves, in
 * transactions that are rolled back, until each refused record is alone with the database's reason.
 * Only a refusal of the data counts (SQLSTATE class 22 data exception, 23 integrity constraint, 54
 * program limit): a warehouse that cannot be reached is waited for, as before.
 */
public class PoisonRecords {

    private static final Logger log = LoggerFactory.getLogger(PoisonRecords.class);

    /** Tries to load records and rolls back: why the warehouse refuses them, or null when it takes them. */
    @FunctionalInterface
    interface Trial {
        String refusal(MicroBatch records);
    }

    private final Trial trial;

    public PoisonRecords(StreamWarehouse warehouse) {
        this(warehouse::refusal);
    }

    PoisonRecords(Trial trial) {
        this.trial = trial;
    }

    /** Whether the failure is the warehouse refusing the data loaded, rather than not answering. */
    public static boolean refusedData(Throwable failure) {
        SQLException sql = sqlCause(failure);
        String state = sql == null ? null : sql.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /** The warehouse's reason of a refusal, first line, with its SQLSTATE. */
    public static String reason(Throwable failure) {
        SQLException sql = sqlCause(failure);
        if (sql == null) {
            return "refused by the warehouse: " + failure;
        }
        String message = String.valueOf(sql.getMessage()).lines().findFirst().orElse("");
        return "refused by the warehouse: " + message + " (SQLSTATE " + sql.getSQLState() + ")";
    }

    /** The first SQLException among the failure and its causes that has a SQLSTATE, else the first one, else null. */
    private static SQLException sqlCause(Throwable failure) {
        SQLException first = null;
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof SQLException sql) {
                if (sql.getSQLState() != null) {
                    return sql;
                }
                first = first == null ? sql : first;
            }
        }
        return first;
    }

    /**
     * The batch's valid records the warehouse refuses, each with its reason; none when every record
     * loads alone (a failure that came from the records together, or that went away).
     */
    public Map<MicroBatch.Entry, String> find(MicroBatch batch) {
        Map<MicroBatch.Entry, String> refused = new IdentityHashMap<>();
        int[] trials = {0};
        List<MicroBatch.Entry> valid = batch.valid();
        int half = valid.size() / 2;
        // The whole batch failed already: its halves are tried first.
        if (valid.size() == 1) {
            bisect(batch, valid, refused, trials);
        } else {
            bisect(batch, valid.subList(0, half), refused, trials);
            bisect(batch, valid.subList(half, valid.size()), refused, trials);
        }
        log.info("{} record(s) of a batch of {} refused by the warehouse, found in {} trial loads", refused.size(),
                batch.size(), trials[0]);
        return refused;
    }

    private void bisect(MicroBatch batch, List<MicroBatch.Entry> records, Map<MicroBatch.Entry, String> refused, int[] trials) {
        if (records.isEmpty()) {
            return;
        }
        trials[0]++;
        String reason = trial.refusal(batch.with(records));
        if (reason == null) {
            return;
        }
        if (records.size() == 1) {
            refused.put(records.get(0), reason);
            return;
        }
        int half = records.size() / 2;
        bisect(batch, records.subList(0, half), refused, trials);
        bisect(batch, records.subList(half, records.size()), refused, trials);
    }
}

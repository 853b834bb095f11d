package io.pipelines.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a source's current columns compare with the last recorded version of its schema. A new
 * column is added to staging; a column gone from the source stays in staging (NULL in new rows);
 * a type that can be widened (integer to bigint or numeric, real or double precision to numeric,
 * date to timestamp...) is widened; a type the column already holds (bigint values in a numeric
 * column) leaves it as it is; any other type change is refused, naming the column and both types.
 */
public final class SchemaEvolution {

    /** Type changes that keep every value: old type -> the types it may become. */
    private static final Map<String, Set<String>> WIDENINGS = Map.of(
            "integer", Set.of("bigint", "numeric"),
            "bigint", Set.of("numeric"),
            "real", Set.of("double precision", "numeric"),
            // A float's shortest exact text as a decimal (PostgreSQL's cast): an HTTP source's fractions were floats once.
            "double precision", Set.of("numeric"),
            "date", Set.of("timestamp", "timestamptz"),
            "timestamp", Set.of("timestamptz"));

    /** What changed: nothing when {@link #changed()} is false. */
    public record Change(List<SourceColumn> added, List<String> removed, List<SourceColumn> widened) {
        public boolean changed() {
            return !added.isEmpty() || !removed.isEmpty() || !widened.isEmpty();
        }

        public String describe() {
            List<String> parts = new ArrayList<>();
            added.forEach(c -> parts.add("added " + c.name() + " " + c.type()));
            removed.forEach(c -> parts.add("removed " + c));
            widened.forEach(c -> parts.add("widened " + c.name() + " to " + c.type()));
            return parts.isEmpty() ? "initial" : String.join(", ", parts);
        }
    }

    private SchemaEvolution() {
    }

    /**
     * Whether a column of {@code oldType} already holds every value of {@code newType} (the source narrowed
     * it, or a run's values fit a narrower type): the column keeps its type, nothing changes.
     */
    public static boolean holds(String oldType, String newType) {
        return WIDENINGS.getOrDefault(newType, Set.of()).contains(oldType);
    }

    /** The columns of {@code current}, each with its recorded type where that holds the current one's values. */
    public static List<SourceColumn> kept(List<SourceColumn> recorded, List<SourceColumn> current) {
        Map<String, String> before = new HashMap<>();
        recorded.forEach(c -> before.put(c.name(), c.type()));
        return current.stream().map(c -> before.containsKey(c.name()) && holds(before.get(c.name()), c.type())
                ? new SourceColumn(c.name(), before.get(c.name())) : c).toList();
    }

    /** Refuses a type change that does not keep every value, naming the source, the column and both types. */
    public static void requireWidening(String source, String column, String oldType, String newType) {
        if (!oldType.equals(newType) && !WIDENINGS.getOrDefault(oldType, Set.of()).contains(newType)) {
            throw new SourceRejectedException("Source " + source + ": column " + column + " changed type from "
                    + oldType + " to " + newType + ", which cannot be widened; staging keeps " + oldType
                    + " (change the source back, or alter the staging column and etl.schema_versions by hand)");
        }
    }

    /** The change from {@code recorded} (empty: none yet) to {@code current}; refuses a type that cannot be widened. */
    public static Change compare(String source, List<SourceColumn> recorded, List<SourceColumn> current) {
        Map<String, String> before = new LinkedHashMap<>();
        recorded.forEach(c -> before.put(c.name(), c.type()));
        List<SourceColumn> added = new ArrayList<>();
        List<SourceColumn> widened = new ArrayList<>();
        for (SourceColumn c : current) {
            String old = before.remove(c.name());
            if (old == null) {
                added.add(c);
            } else if (!old.equals(c.type()) && !holds(old, c.type())) {
                requireWidening(source, c.name(), old, c.type());
                widened.add(c);
            }
        }
        return new Change(recorded.isEmpty() ? List.of() : added, new ArrayList<>(before.keySet()), widened);
    }
}

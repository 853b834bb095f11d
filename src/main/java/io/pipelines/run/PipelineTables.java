package io.pipelines.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The warehouse tables a pipeline's steps write, read from its definition: a load's table, and the tables its SQL
 * files write (INSERT INTO, UPDATE, DELETE FROM, MERGE INTO) from those they read (FROM, JOIN, USING); the service's
 * own etl.* tables left out. Used for the lineage graph and the tables' freshness.
 */
public final class PipelineTables {

    private static final Pattern COMMENTS = Pattern.compile("--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final String TABLE = "([A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*)";
    private static final Pattern WRITES = Pattern.compile("(?i)\\b(?:insert\\s+into|update|delete\\s+from|merge\\s+into)\\s+" + TABLE);
    private static final Pattern READS = Pattern.compile("(?i)\\b(?:from|join|using)\\s+" + TABLE);

    /** The tables a SQL file reads (the ones it also writes left out) and writes. */
    public record Sql(Set<String> reads, Set<String> writes) {
    }

    private PipelineTables() {
    }

    /** The tables the pipeline's loads and SQL files write, in the order of its steps. */
    public static Set<String> writes(BatchPipeline pipeline) {
        Set<String> tables = new LinkedHashSet<>();
        for (Step step : pipeline.steps()) {
            if (step.block().equals("warehouse-load")) {
                tables.add(step.text("table").toLowerCase(Locale.ROOT));
            } else if (step.block().equals("sql-file")) {
                tables.addAll(sql(Path.of(step.text("file"))).writes());
            }
        }
        return tables;
    }

    /** What a SQL file reads and writes; nothing when it cannot be read (it was checked at start-up). */
    public static Sql sql(Path file) {
        String text;
        try {
            text = COMMENTS.matcher(Files.readString(file)).replaceAll(" ");
        } catch (IOException e) {
            return new Sql(Set.of(), Set.of());
        }
        Set<String> writes = tables(WRITES, text);
        Set<String> reads = tables(READS, text);
        reads.removeAll(writes);
        return new Sql(reads, writes);
    }

    private static Set<String> tables(Pattern pattern, String sql) {
        Set<String> tables = new LinkedHashSet<>();
        Matcher m = pattern.matcher(sql);
        while (m.find()) {
            String table = m.group(1).toLowerCase(Locale.ROOT);
            if (!table.startsWith("etl.") && !table.startsWith("pg_")) {
                tables.add(table);
            }
        }
        return tables;
    }
}

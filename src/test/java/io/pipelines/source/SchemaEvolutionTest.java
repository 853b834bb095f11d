package io.pipelines.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.pipelines.lake.Lake;
import io.pipelines.run.RunRecord;
import io.pipelines.run.RunStatus;
import io.pipelines.support.TestSources;

/**
 * The staging table of a source follows its schema: a column added in the source is added, a
 * column removed stays and is NULL in the rows loaded since, a widened type is widened, and a type
 * that cannot be widened fails the run naming source, column, old and new type. Each version is in
 * etl.schema_versions and in the metadata of the Parquet objects.
 */
class SchemaEvolutionTest extends SourceTestSupport {

    @Override
    protected java.time.LocalDate logicalDate() {
        return io.pipelines.support.TestDates.Sources.SCHEMA_EVOLUTION;
    }

    @Autowired
    Lake lake;

    @Test
    void addedRemovedWidenedAndIncompatibleColumns() throws Exception {
        source("sales", "CREATE TABLE public.t_evolve (id bigint PRIMARY KEY, name text, qty integer, updated_at timestamp NOT NULL)",
                "INSERT INTO public.t_evolve VALUES (1, 'one', 1, '2026-04-01 00:00'), (2, 'two', 2, '2026-04-01 00:01')");
        RunRecord first = succeeded(run("t_evolve"));
        assertThat(schemaVersion(first)).isEqualTo("1");
        assertThat(stagingType("qty")).isEqualTo("integer");

        // A column added in the source.
        source("sales", "ALTER TABLE public.t_evolve ADD COLUMN color text",
                "UPDATE public.t_evolve SET color = 'red', updated_at = '2026-04-02 00:00' WHERE id = 1");
        RunRecord second = succeeded(run("t_evolve"));
        assertThat(schemaVersion(second)).isEqualTo("2");
        assertThat(jdbc.queryForMap("SELECT name, color FROM staging.t_evolve WHERE id = 1"))
                .isEqualTo(Map.of("name", "one", "color", "red"));
        assertThat(jdbc.queryForObject("SELECT color FROM staging.t_evolve WHERE id = 2", String.class)).isNull();
        assertThat(jdbc.queryForObject("SELECT change FROM etl.schema_versions WHERE source = 't_evolve' AND version = 2",
                String.class)).isEqualTo("added color text");

        // A column removed in the source: kept in staging, NULL in the rows loaded since.
        source("sales", "ALTER TABLE public.t_evolve DROP COLUMN name",
                "INSERT INTO public.t_evolve VALUES (3, 3, '2026-04-03 00:00', 'blue')");
        RunRecord third = succeeded(run("t_evolve"));
        assertThat(schemaVersion(third)).isEqualTo("3");
        assertThat(jdbc.queryForList("SELECT id, name FROM staging.t_evolve ORDER BY id"))
                .containsExactly(Map.of("id", 1L, "name", "one"), Map.of("id", 2L, "name", "two"),
                        new java.util.HashMap<>(java.util.Collections.singletonMap("id", 3L)) {{ put("name", null); }});
        assertThat(jdbc.queryForObject("SELECT columns::text FROM etl.schema_versions WHERE source = 't_evolve' AND version = 3",
                String.class)).doesNotContain("\"name\": \"name\"").contains("\"name\": \"color\"");

        // A type widened in the source (integer to bigint): widened in staging.
        source("sales", "ALTER TABLE public.t_evolve ALTER COLUMN qty TYPE bigint",
                "UPDATE public.t_evolve SET qty = 5000000000, updated_at = '2026-04-04 00:00' WHERE id = 3");
        RunRecord fourth = succeeded(run("t_evolve"));
        assertThat(schemaVersion(fourth)).isEqualTo("4");
        assertThat(stagingType("qty")).isEqualTo("bigint");
        assertThat(jdbc.queryForObject("SELECT qty FROM staging.t_evolve WHERE id = 3", Long.class)).isEqualTo(5_000_000_000L);

        // A type that cannot be widened (text to integer): the run fails, nothing changes.
        String watermark = jdbc.queryForObject("SELECT cursor_value FROM etl.watermarks WHERE source = 't_evolve'", String.class);
        source("sales", "ALTER TABLE public.t_evolve ALTER COLUMN color TYPE integer USING length(color)",
                "UPDATE public.t_evolve SET updated_at = '2026-04-05 00:00' WHERE id = 2");
        RunRecord failed = run("t_evolve");
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).contains("t_evolve").contains("column color").contains("from text to integer");
        assertThat(task(failed, "extract").attempts()).as("not retried").isEqualTo(1);
        assertThat(stagingType("color")).isEqualTo("text");
        assertThat(jdbc.queryForObject("SELECT max(version) FROM etl.schema_versions WHERE source = 't_evolve'", Integer.class))
                .isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT cursor_value FROM etl.watermarks WHERE source = 't_evolve'", String.class))
                .isEqualTo(watermark);
        assertThat(count("staging.t_evolve")).isEqualTo(3);
    }

    private static RunRecord succeeded(RunRecord run) {
        assertThat(run.status()).as("run error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        return run;
    }

    /** The schema version in the metadata of the run's first Parquet object. */
    private String schemaVersion(RunRecord run) throws Exception {
        String part = task(run, "extract").lakeKeys().stream().filter(k -> k.endsWith(".parquet")).findFirst().orElseThrow();
        return TestSources.metadata(lake, part).get("pipelines.schema_version");
    }

    private String stagingType(String column) {
        return jdbc.queryForObject("SELECT data_type FROM information_schema.columns WHERE table_schema = 'staging' "
                + "AND table_name = 't_evolve' AND column_name = ?", String.class, column);
    }
}

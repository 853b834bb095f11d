package io.pipelines.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceConnections;
import io.pipelines.quality.QualitySuiteParser;
import io.pipelines.task.ExtractToLake;
import io.pipelines.task.LoadStaging;
import io.pipelines.task.ValidateLanded;
import io.pipelines.task.WarehouseSql;

/**
 * A batch pipeline is read from its route file: the shipped daily_sales_etl as written, and each
 * kind of mistake in it stopped with a message naming the file, the line, the route, the step and
 * the parameter.
 */
class PipelineRoutesTest {

    private static final Path SHIPPED = Path.of("routes/daily-sales-etl.camel.yaml");

    @TempDir
    Path folder;

    @Test
    void theShippedPipelineIsItsStepsInOrderWithTheirParameters() throws Exception {
        BatchPipeline p = read(text -> text).get("daily_sales_etl");

        assertThat(p.cron()).isEqualTo("0 0 6 * * ?");
        assertThat(p.zone().getId()).isEqualTo("UTC");
        assertThat(p.steps()).extracting(Step::task).containsExactly("extract_orders", "validate_data",
                "load_to_staging", "transform_data", "update_aggregates");
        assertThat(p.steps()).extracting(Step::block).containsExactly("jdbc-extract", "quality-check",
                "warehouse-load", "sql-file", "sql-file");
        assertThat(p.step("extract_orders").orElseThrow().parameters()).isEqualTo(Map.of("connection", "sales",
                "query", "sql/extract_orders.sql", "lakePrefix", "raw/sales/orders", "check", "validate_data",
                "load", "load_to_staging", "singlePass", "true"));
        // Defaults of the block filled in.
        assertThat(p.step("load_to_staging").orElseThrow().parameters()).containsEntry("mode", "replace-date")
                .containsEntry("minReplaceShare", "0.5");
        for (Step step : p.steps()) {
            check(step, p);
        }
    }

    @Test
    void anUnknownBlockIsNamedWithTheBlocksThereAre() {
        assertThatThrownBy(() -> read(text -> text.replace("kamelet:sql-file/daily_sales_etl.transform_data",
                "kamelet:sql-fil/daily_sales_etl.transform_data")))
                .hasMessage(at("kamelet:sql-fil/") + ", route daily_sales_etl, step transform_data: no building "
                        + "block named sql-fil (kamelets/sql-fil.kamelet.yaml); the blocks are [api-extract, jdbc-extract, "
                        + "pipeline-runs, quality-check, sql-file, table-extract, warehouse-load]");
    }

    @Test
    void aMissingRequiredParameterIsNamed() {
        assertThatThrownBy(() -> read(text -> text.replace("              suite: quality/orders_suite.json\n", "")))
                .hasMessage(at("kamelet:quality-check/") + ", route daily_sales_etl, step validate_data "
                        + "(quality-check), parameter suite: required (Suite file)");
    }

    @Test
    void anUnknownParameterIsNamedWithTheOnesTheBlockTakes() {
        assertThatThrownBy(() -> read(text -> text.replace("table: staging.orders", "tabel: staging.orders")))
                .hasMessage(at("kamelet:warehouse-load/") + ", route daily_sales_etl, step load_to_staging "
                        + "(warehouse-load), parameter tabel: warehouse-load has no such parameter; it takes "
                        + "[table, extract, mode, minReplaceShare]");
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        assertThatThrownBy(() -> read(text -> text.replace("\"{{DAILY_SALES_ETL_MIN_REPLACE_SHARE:0.5}}\"", "half")))
                .hasMessage(at("kamelet:warehouse-load/") + ", route daily_sales_etl, step load_to_staging "
                        + "(warehouse-load), parameter minReplaceShare: 'half' is not a number");
        assertThatThrownBy(() -> read(text -> text.replace("\"{{DAILY_SALES_ETL_SINGLE_PASS:true}}\"", "yes")))
                .hasMessageEndingWith("step extract_orders (jdbc-extract), parameter singlePass: 'yes' is not a boolean");
        assertThatThrownBy(() -> read(text -> text.replace("              minReplaceShare:",
                "              mode: merge\n              minReplaceShare:")))
                .hasMessageEndingWith("parameter mode: 'merge' is not one of [replace-date, upsert]");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> read(text -> text.replace("file: sql/transform_orders.sql", "file: sql/nope.sql")))
                .hasMessageStartingWith(at("kamelet:sql-file/daily_sales_etl.transform_data") + ", route "
                        + "daily_sales_etl, step transform_data (sql-file), parameter file: 'sql/nope.sql' cannot be "
                        + "read: File sql/nope.sql not found");
    }

    @Test
    void aBadScheduleIsNamed() {
        assertThatThrownBy(() -> read(text -> text.replace("{{DAILY_SALES_ETL_CRON:0 0 6 * * ?}}", "every day")))
                .hasMessage(at("uri: kamelet:pipeline-runs") + ", route daily_sales_etl (pipeline-runs), parameter "
                        + "cron: 'every day' is not a Quartz cron expression (seconds first)");
        assertThatThrownBy(() -> read(text -> text.replace("{{DAILY_SALES_ETL_TIME_ZONE:UTC}}", "Mars/Olympus")))
                .hasMessageEndingWith("route daily_sales_etl (pipeline-runs), parameter timeZone: 'Mars/Olympus' is "
                        + "not a time zone");
    }

    @Test
    void theDeadlinesAreReadAndABadOneIsNamed() throws Exception {
        DeadlineRules rules = read(text -> text).get("daily_sales_etl").deadlines();
        assertThat(rules.date()).isEqualTo(java.time.Duration.ofHours(31));
        assertThat(rules.due(java.time.LocalDate.parse("2026-11-30"), java.time.ZoneId.of("UTC")))
                .contains(java.time.Instant.parse("2026-12-01T07:00:00Z"));
        assertThat(rules.due(java.time.LocalDate.parse("2026-03-28"), java.time.ZoneId.of("Europe/Paris")))
                .as("07:00 the next day in the zone's clock, across the change to summer time")
                .contains(java.time.Instant.parse("2026-03-29T05:00:00Z"));
        assertThat(rules.tasks().get("extract_orders")).isEqualTo(new DeadlineRules.TaskLimit(java.time.Duration.ofMinutes(30), 0));
        assertThat(rules.tasks().get("transform_data")).isEqualTo(new DeadlineRules.TaskLimit(null, 5));
        String limits = "{{DAILY_SALES_ETL_TASK_LIMITS:extract_orders=30m,transform_data=5xp95,update_aggregates=5xp95}}";
        assertThatThrownBy(() -> read(text -> text.replace(limits, "extract=30m")))
                .hasMessageEndingWith("route daily_sales_etl (pipeline-runs), parameter taskLimits: 'extract' is not a task "
                        + "of this pipeline; its tasks are [extract_orders, validate_data, load_to_staging, transform_data, "
                        + "update_aggregates]");
        assertThatThrownBy(() -> read(text -> text.replace(limits, "extract_orders=0.5xp95")))
                .hasMessageEndingWith("parameter taskLimits: '0.5xp95' is neither a positive duration (30m) nor a multiple "
                        + "of at least 1 of the task's 95th percentile (3xp95)");
        assertThatThrownBy(() -> read(text -> text.replace(limits, "extract_orders")))
                .hasMessageEndingWith("parameter taskLimits: 'extract_orders' is not task=limit (extract=30m, or "
                        + "transform=3xp95)");
        assertThatThrownBy(() -> read(text -> text.replace("{{DAILY_SALES_ETL_DEADLINE:31h}}", "tomorrow")))
                .hasMessageEndingWith("route daily_sales_etl (pipeline-runs), parameter deadline: 'tomorrow' is not a duration");
    }

    @Test
    void aStepIsNamedAfterItsPipeline() {
        assertThatThrownBy(() -> read(text -> text.replace("kamelet:sql-file/daily_sales_etl.transform_data",
                "kamelet:sql-file/transform_data")))
                .hasMessage(at("kamelet:sql-file/transform_data") + ", route daily_sales_etl, step "
                        + "kamelet:sql-file/transform_data: a step of a pipeline is written "
                        + "kamelet:sql-file/daily_sales_etl.<task>, the task a name in lower case (letters, digits, _)");
    }

    @Test
    void aPipelineNameThatIsNotAPlainNameIsRefused() {
        assertThatThrownBy(() -> read(text -> text.replace("id: daily_sales_etl", "id: daily-sales")
                .replace("daily_sales_etl.", "daily-sales.")))
                .hasMessageEndingWith("route daily-sales: the route id (the pipeline's name): 'daily-sales' is not a "
                        + "plain SQL name ([A-Za-z_][A-Za-z0-9_]*)");
    }

    @Test
    void aPipelinesRouteIsRecordedAndRetried() {
        assertThatThrownBy(() -> read(text -> text.replace("    group: pipelines\n", "")))
                .hasMessage(at("uri: kamelet:pipeline-runs") + ", route daily_sales_etl: a pipeline's route has group: "
                        + "pipelines (its runs are recorded)");
        assertThatThrownBy(() -> read(text -> text.replace("    routeConfigurationId: pipeline-steps\n", "")))
                .hasMessage(at("uri: kamelet:pipeline-runs") + ", route daily_sales_etl: a pipeline's route has "
                        + "routeConfigurationId: pipeline-steps (its steps are retried, dead-lettered, and skipped when a "
                        + "resumed run finished them)");
    }

    @Test
    void aPipelinesOwnErrorHandlerStillDeadLettersAndRecords() {
        assertThatThrownBy(() -> read(text -> text.replace("    routeConfigurationId: pipeline-steps\n", """
                    routeConfigurationId: pipeline-steps
                    errorHandler:
                      defaultErrorHandler:
                        redeliveryPolicy:
                          maximumRedeliveries: 9
                """))).hasMessage(at("uri: kamelet:pipeline-runs") + ", route daily_sales_etl: a pipeline's own "
                + "errorHandler is a deadLetterChannel with deadLetterUri: direct:task-dead-letter, "
                + "onExceptionOccurredRef: taskFailed and onRedeliveryRef: taskRetries, and its own redeliveryPolicy "
                + "(see routes/error-handling.camel.yaml)");
    }

    @Test
    void twoPipelinesStartingFromTheSameQueueAreRefused() throws Exception {
        // The same schedule written the same way is one endpoint to Camel, which one route only may consume.
        assertThatThrownBy(() -> read(text -> text + text.substring(text.indexOf("- route:"))
                .replace("id: daily_sales_etl", "id: sales_again").replace("daily_sales_etl.", "sales_again.")))
                .hasMessageContaining(", route sales_again: starts from kamelet:pipeline-runs?")
                .hasMessageContaining("as pipeline daily_sales_etl does")
                .hasMessageEndingWith("name each pipeline's queue: kamelet:pipeline-runs/sales_again-runs");
        // Named, the two queues are two endpoints.
        assertThat(read(text -> text + text.substring(text.indexOf("- route:"))
                .replace("id: daily_sales_etl", "id: sales_again").replace("daily_sales_etl.", "sales_again.")
                .replace("uri: kamelet:pipeline-runs", "uri: kamelet:pipeline-runs/sales_again-runs")))
                .containsOnlyKeys("daily_sales_etl", "sales_again");
    }

    @Test
    void aStepOutsideAPipelineIsRefused() {
        assertThatThrownBy(() -> read(text -> text + """

                - route:
                    id: refresh_by_hand
                    from:
                      uri: timer:refresh
                      steps:
                        - to:
                            uri: kamelet:sql-file/refresh_by_hand.refresh
                            parameters:
                              file: sql/transform_orders.sql
                """)).hasMessage(at("kamelet:sql-file/refresh_by_hand") + ", route refresh_by_hand: kamelet:sql-file "
                + "is a step of a pipeline; it runs in a route that starts from kamelet:pipeline-runs (see README, "
                + "Writing a pipeline)");
    }

    @Test
    void theStepsBeansCheckWhatTheyNeed() throws Exception {
        assertThatThrownBy(() -> checkAll(text -> text.replace("connection: sales", "connection: crm")))
                .hasMessageStartingWith(at("kamelet:jdbc-extract/") + ", route daily_sales_etl, step extract_orders "
                        + "(jdbc-extract), parameter connection: No connection named 'crm' under pipelines.connections");
        assertThatThrownBy(() -> checkAll(text -> text.replace("table: staging.orders",
                "table: \"staging.orders; DROP TABLE x\"")))
                .hasMessageEndingWith("step load_to_staging (warehouse-load), parameter table: 'staging.orders; DROP "
                        + "TABLE x' is not schema.table, each a plain SQL name ([A-Za-z_][A-Za-z0-9_]*)");
        assertThatThrownBy(() -> checkAll(text -> text.replace("              load: load_to_staging\n", "")))
                .hasMessageEndingWith("step extract_orders (jdbc-extract), parameter load: the pass feeds a check "
                        + "and a load together: name both or neither");
        assertThatThrownBy(() -> checkAll(text -> text.replace("check: validate_data", "check: transform_data")))
                .hasMessageEndingWith("parameter check: step transform_data must be a quality-check step after this "
                        + "one, with extract: extract_orders");
        assertThatThrownBy(() -> checkAll(text -> text.replace("              check: validate_data\n", "")
                .replace("              load: load_to_staging\n", "")
                .replace("              extract: extract_orders\n              minReplaceShare",
                        "              extract: transform_data\n              minReplaceShare")))
                .hasMessageContaining("step load_to_staging (warehouse-load), parameter extract: step transform_data "
                        + "is not a jdbc-extract step before this one");
        assertThatThrownBy(() -> checkAll(text -> text.replace("              minReplaceShare:",
                "              mode: upsert\n              minReplaceShare:")))
                .hasMessageEndingWith("step load_to_staging (warehouse-load), parameter mode: upsert loads the rows of "
                        + "a api-extract or table-extract step (by their key, moving the watermark); step extract_orders "
                        + "is a jdbc-extract step: use replace-date");
    }

    /** The route file with a change, read by a Camel context of its own (not started). */
    private Map<String, BatchPipeline> read(UnaryOperator<String> change) throws Exception {
        String text = change.apply(Files.readString(SHIPPED, StandardCharsets.UTF_8));
        Path file = folder.resolve("daily-sales-etl.camel.yaml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        lines = List.of(text.split("\n", -1));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Properties settings = new Properties();
            settings.setProperty("pipelines.runs.concurrency", "2");
            camel.getPropertiesComponent().setInitialProperties(settings);
            PluginHelper.getRoutesLoader(camel).loadRoutes(
                    PluginHelper.getResourceLoader(camel).resolveResource("file:" + file));
            return PipelineRoutes.read(camel, new Blocks("file:kamelets"));
        }
    }

    private void checkAll(UnaryOperator<String> change) throws Exception {
        BatchPipeline p = read(change).get("daily_sales_etl");
        for (Step step : p.steps()) {
            check(step, p);
        }
    }

    private List<String> lines = List.of();

    /**
     * The file and line (1 first) of the first line holding {@code fragment}, as messages give it:
     * a step's is the line of its {@code - to:}.
     */
    private String at(String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                int line = i > 0 && lines.get(i - 1).contains("- to:") ? i : i + 1;
                return folder.resolve("daily-sales-etl.camel.yaml") + ":" + line;
            }
        }
        throw new AssertionError(fragment + " is not in the route file");
    }

    /** Each step checked by the bean of its block, as at start-up. */
    private static void check(Step step, BatchPipeline p) {
        PipelinesProperties properties = new PipelinesProperties();
        PipelinesProperties.Connection sales = new PipelinesProperties.Connection();
        sales.setUrl("jdbc:postgresql://127.0.0.1:1/sales");
        properties.getConnections().put("sales", sales);
        List<BlockTask> tasks = List.of(
                new ExtractToLake(null, new SourceConnections(properties), null, null, properties, null, null),
                new ValidateLanded(null, null, new QualitySuiteParser(new ObjectMapper()), null, null, null, null, null, properties),
                new LoadStaging(null, null, null, null), new WarehouseSql(null, null, null, null));
        tasks.stream().filter(t -> t.blocks().contains(step.block())).forEach(t -> t.check(step, p));
    }
}

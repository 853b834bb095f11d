package io.pipelines.run;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceConnections;
import io.pipelines.quality.QualitySuiteParser;

/** A bad pipelines.batch entry stops start-up with a message naming the entry and the setting. */
class PipelineSettingsTest {

    @Test
    void theShippedEntryIsValid() {
        assertThatCode(() -> catalog(p -> { }).verifySettings()).doesNotThrowAnyException();
    }

    @Test
    void aBadTimeZoneIsNamed() {
        assertThatThrownBy(() -> catalog(p -> p.setTimeZone("Mars/Olympus")).verifySettings())
                .hasMessage("pipelines.batch[0] (daily_sales_etl).time-zone: 'Mars/Olympus' is not a time zone");
    }

    @Test
    void aBadCronIsNamed() {
        assertThatThrownBy(() -> catalog(p -> p.setCron("every day")).verifySettings())
                .hasMessage("pipelines.batch[0] (daily_sales_etl).cron: 'every day' is not a Quartz cron expression");
    }

    @Test
    void aStagingTableThatIsNotAPlainNameIsRefused() {
        assertThatThrownBy(() -> catalog(p -> p.setStagingTable("staging.orders; DROP TABLE x")).verifySettings())
                .hasMessageContaining("pipelines.batch[0] (daily_sales_etl)")
                .hasMessageContaining("staging-table")
                .hasMessageContaining("is not a plain SQL name");
    }

    @Test
    void anUnknownSourceIsNamed() {
        assertThatThrownBy(() -> catalog(p -> p.setSource("crm")).verifySettings())
                .hasMessageContaining("pipelines.batch[0] (daily_sales_etl)")
                .hasMessageContaining("No connection named 'crm' under pipelines.connections");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> catalog(p -> p.setTransform("sql/nope.sql")).verifySettings())
                .hasMessageContaining("pipelines.batch[0] (daily_sales_etl)")
                .hasMessageContaining("File sql/nope.sql not found");
    }

    @Test
    void aPipelineNameThatIsNotAPlainNameIsRefused() {
        assertThatThrownBy(() -> catalog(p -> p.setName("daily-sales")).verifySettings())
                .hasMessageContaining(".name: 'daily-sales' is not a plain SQL name");
    }

    private static PipelineCatalog catalog(Consumer<PipelinesProperties.BatchPipeline> change) {
        PipelinesProperties properties = new PipelinesProperties();
        PipelinesProperties.Connection sales = new PipelinesProperties.Connection();
        sales.setUrl("jdbc:postgresql://127.0.0.1:1/sales");
        properties.getConnections().put("sales", sales);
        PipelinesProperties.BatchPipeline p = new PipelinesProperties.BatchPipeline();
        p.setName("daily_sales_etl");
        p.setCron("0 0 6 * * ?");
        p.setTimeZone("UTC");
        p.setSource("sales");
        p.setExtractQuery("sql/extract_orders.sql");
        p.setLakePrefix("raw/sales/orders");
        p.setQualitySuite("quality/orders_suite.json");
        p.setStagingTable("staging.orders");
        p.setTransform("sql/transform_orders.sql");
        p.setAggregate("sql/update_sales_aggregates.sql");
        change.accept(p);
        properties.getBatch().add(p);
        ObjectMapper json = new ObjectMapper();
        return new PipelineCatalog(properties, null, new SourceConnections(properties), new QualitySuiteParser(json), null);
    }
}

package io.pipelines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.SourceSettings;
import io.pipelines.run.PipelineCatalog;

/** A bad entry of pipelines.sources stops start-up with a message naming the entry and the field. */
class SourceDefinitionsTest {

    private static SourceSettings jdbc() {
        SourceSettings s = new SourceSettings();
        s.setType("jdbc");
        s.setConnection("crm");
        s.setTable("customers");
        s.setCursorColumn("updated_at");
        s.setKeyColumns(List.of("id"));
        return s;
    }

    private static SourceDefinition resolve(String name, Consumer<SourceSettings> change) {
        SourceSettings s = jdbc();
        change.accept(s);
        return SourceDefinitions.resolve(name, s, Set.of("crm"), Set.of("daily_sales_etl"));
    }

    private static void refused(String name, Consumer<SourceSettings> change, String... message) {
        assertThatThrownBy(() -> resolve(name, change)).isInstanceOf(IllegalStateException.class)
                .message().contains(message);
    }

    @Test
    void aGoodEntryGetsItsDefaults() {
        SourceDefinition d = resolve("crm_customers", s -> s.setSchedule("@hourly"));
        assertThat(d.stagingTable()).isEqualTo("staging.crm_customers");
        assertThat(d.lakePrefix()).isEqualTo("raw/sources/crm_customers");
        assertThat(d.cron()).isEqualTo("0 0 * * * ?");
        assertThat(d.origin()).isEqualTo("crm:customers");
    }

    @Test
    void anUnknownTypeIsRefused() {
        refused("s1", s -> s.setType("oracle"), "pipelines.sources.s1.type: 'oracle' is not a source type");
    }

    @Test
    void aMissingFieldIsRefused() {
        refused("s2", s -> s.setCursorColumn(null), "pipelines.sources.s2.cursor-column: is missing");
        refused("s3", s -> s.setKeyColumns(List.of()), "pipelines.sources.s3.key-columns: is missing");
        refused("s4", s -> s.setTable(" "), "pipelines.sources.s4.table: is missing");
        refused("s5", s -> s.setType(null), "pipelines.sources.s5.type: is missing");
        refused("s6", s -> {
            s.setType("http");
            s.setUrl(null);
        }, "pipelines.sources.s6.url: is missing");
    }

    @Test
    void identifiersThatAreNotPlainNamesAreRefused() {
        refused("bad-name", s -> { }, "pipelines.sources.bad-name: 'bad-name' is not a plain name");
        refused("s7", s -> s.setTable("customers; DROP TABLE x"), "pipelines.sources.s7.table:", "is not a plain name");
        refused("s8", s -> s.setCursorColumn("updated at"), "pipelines.sources.s8.cursor-column: 'updated at' is not a plain name");
        refused("s9", s -> s.setKeyColumns(List.of("id", "x\"y")), "pipelines.sources.s9.key-columns[1]:");
        refused("s10", s -> s.setWarehouseTable("staging.a.b"), "pipelines.sources.s10.warehouse-table:");
    }

    @Test
    void otherBadValuesAreRefused() {
        refused("s11", s -> s.setConnection("nope"), "pipelines.sources.s11.connection: no connection named 'nope'");
        refused("s12", s -> s.setSchedule("every hour"), "pipelines.sources.s12.schedule: 'every hour' is not a Quartz cron");
        refused("s13", s -> s.setTimeZone("Mars/Base"), "pipelines.sources.s13.time-zone:");
        refused("daily_sales_etl", s -> { }, "a batch pipeline is already named 'daily_sales_etl'");
        refused("s14", s -> {
            s.setType("http");
            s.setUrl("http://api.example.com");
            s.getHttp().setPagination("scroll");
        }, "pipelines.sources.s14.http.pagination: 'scroll'");
        refused("s15", s -> {
            s.setType("http");
            s.setUrl("http://api.example.com");
            s.getHttp().setAuth("bearer");
        }, "pipelines.sources.s15.http.token: auth bearer needs a token");
    }

    @Test
    void aUrlCarryingUserInfoIsRefusedWithoutRepeatingIt() {
        for (String url : List.of("https://etl:s3cr3t@api.example.com", "http://etl:s3cr3t@api.example.com:8080/v1",
                "https://s3cr3t@api.example.com", "https://etl:s3%cr3t@api.example.com")) {
            assertThatThrownBy(() -> resolve("s20", s -> {
                s.setType("http");
                s.setUrl(url);
            })).as(url).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pipelines.sources.s20.url: must not carry user info")
                    .hasMessageContaining("http.token")
                    .message().doesNotContain("s3cr3t");
        }
        assertThat(resolve("s21", s -> {
            s.setType("http");
            s.setUrl("https://api.example.com");
            s.setEndpoint("/v1/items?since=@start");
        }).origin()).doesNotContain("s3cr3t");
    }

    @Test
    void theCatalogRefusesABadEntryAtStartUp() {
        PipelinesProperties properties = new PipelinesProperties();
        PipelinesProperties.Connection crm = new PipelinesProperties.Connection();
        crm.setUrl("jdbc:mariadb://127.0.0.1:1/crm");
        properties.getConnections().put("crm", crm);
        SourceSettings bad = jdbc();
        bad.setType("ftp");
        properties.getSources().put("crm_customers", bad);
        assertThatThrownBy(() -> new PipelineCatalog(properties, null, null))
                .hasMessage("pipelines.sources.crm_customers.type: 'ftp' is not a source type (one of [jdbc, http])");
    }
}

package io.pipelines.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pipelines.stream.StreamDeclaration.Field;
import io.pipelines.stream.StreamDeclaration.FieldType;

/** Stream declarations read from YAML: the project's orders_stream, and each mistake named with its line. */
class StreamDeclarationReaderTest {

    private static final String VALID = """
            stream: page_views
            record:
              key: view_id
              eventTime: viewed_at
              fields:
                - { name: view_id, type: text, maxLength: 64 }
                - { name: page, type: text }
                - { name: referrer, type: text, required: false }
                - { name: duration_ms, type: integer, min: 0, max: 3600000 }
                - { name: viewed_at, type: timestamptz }
            staging: staging.page_views
            window:
              table: analytics.page_views_per_minute
              size: 1m
              start: minute
              groupBy: [ page ]
              count: views
              sums:
                total_duration_ms: duration_ms
            lake:
              prefix: ${LAKE_ROOT}/page_views/
            source:
              topic: page_views
              group: page-views-loader
              deadLetterTopic: page_views.dlq
            """;

    private static StreamDeclaration read(String text) {
        return StreamDeclarationReader.read("streams/x.yaml", text, s -> s.replace("${LAKE_ROOT}", "raw/stream"));
    }

    @Test
    void theProjectsOrdersStreamIsDeclaredWithItsFieldsWindowAndLake() {
        StreamDeclaration orders = OrdersDeclaration.ORDERS;

        assertThat(orders.name()).isEqualTo("orders_stream");
        assertThat(orders.record().fields()).extracting(Field::name, Field::typeName, Field::required).containsExactly(
                org.assertj.core.groups.Tuple.tuple("event_id", "text", true),
                org.assertj.core.groups.Tuple.tuple("order_id", "bigint", true),
                org.assertj.core.groups.Tuple.tuple("customer_id", "bigint", true),
                org.assertj.core.groups.Tuple.tuple("product_category", "text", true),
                org.assertj.core.groups.Tuple.tuple("total", "numeric(12,2)", true),
                org.assertj.core.groups.Tuple.tuple("currency", "text", true),
                org.assertj.core.groups.Tuple.tuple("event_time", "timestamptz", true));
        assertThat(orders.record().key().name()).isEqualTo("event_id");
        assertThat(orders.record().eventTime().name()).isEqualTo("event_time");
        assertThat(orders.staging()).isEqualTo("staging.order_events");
        assertThat(orders.window()).isEqualTo(new StreamDeclaration.Window("analytics.hourly_sales", Duration.ofHours(1),
                "hour", List.of("product_category"), "order_count", Map.of("revenue", "total"), Duration.ofSeconds(30),
                Duration.ZERO));
        assertThat(orders.source()).isEqualTo(new StreamDeclaration.Source("orders", "warehouse-loader", "orders.dlq"));
        assertThat(orders.lakePrefix()).isEqualTo("raw/stream/orders");
    }

    @Test
    void optionalFieldsLimitsAndPlaceholdersAreRead() {
        StreamDeclaration d = read(VALID);

        assertThat(d.record().fields().get(0).maxLength()).isEqualTo(64);
        assertThat(d.record().fields().get(1).maxLength()).isEqualTo(StreamDeclarationReader.DEFAULT_MAX_LENGTH);
        assertThat(d.record().fields().get(2).required()).isFalse();
        assertThat(d.record().fields().get(3)).isEqualTo(new Field("duration_ms", FieldType.INTEGER, 0, 0, true,
                StreamDeclarationReader.DEFAULT_MAX_LENGTH, BigDecimal.ZERO, new BigDecimal("3600000")));
        assertThat(d.window().size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.lakePrefix()).isEqualTo("raw/stream/page_views");
        assertThat(d.source()).isEqualTo(new StreamDeclaration.Source("page_views", "page-views-loader", "page_views.dlq"));
        assertThat(d.window().maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.window().allowedLateness()).isEqualTo(Duration.ZERO);
    }

    @Test
    void eachMistakeIsNamedWithItsFileLineAndKey() {
        Map<String, String> mistakes = new java.util.LinkedHashMap<>();
        mistakes.put(VALID.replace("  key: view_id", "  kee: view_id"),
                "streams/x.yaml:3: record.kee: unknown key (expected one of eventTime, fields, key)");
        mistakes.put(VALID.replace("type: integer", "type: int"),
                "streams/x.yaml:9: record.fields[3].type: unknown type 'int' (text, bigint, integer, numeric(p,s), boolean or timestamptz)");
        mistakes.put(VALID.replace("key: view_id", "key: page_id"),
                "streams/x.yaml:3: record.key: no field page_id in record.fields");
        mistakes.put(VALID.replace("key: view_id", "key: duration_ms"),
                "streams/x.yaml:3: record.key: field duration_ms must be a required text field (it is integer)");
        mistakes.put(VALID.replace("eventTime: viewed_at", "eventTime: referrer"),
                "streams/x.yaml:4: record.eventTime: field referrer must be a required timestamptz field (it is optional text)");
        mistakes.put(VALID.replace("groupBy: [ page ]", "groupBy: [ referrer ]"),
                "streams/x.yaml:16: window.groupBy[0]: field referrer is optional; a window is keyed by required fields only");
        mistakes.put(VALID.replace("total_duration_ms: duration_ms", "total_duration_ms: page"),
                "streams/x.yaml:19: window.sums.total_duration_ms: field page is text, not a number");
        mistakes.put(VALID.replace("count: views", "count: minute"),
                "streams/x.yaml:17: window.count: column minute is used twice in the window's table");
        mistakes.put(VALID.replace("size: 1m", "size: 1.5s"),
                "streams/x.yaml:14: window.size: '1.5s' is not a duration such as 1h, 1m or 30s");
        mistakes.put(VALID.replace("size: 1m", "size: 500ms"),
                "streams/x.yaml:14: window.size: 500ms must be whole seconds, at least 1s");
        mistakes.put(VALID.replace("staging: staging.page_views", "staging: page_views"),
                "streams/x.yaml:11: staging: 'page_views' is not of the form schema.table");
        mistakes.put(VALID.replace("{ name: page, type: text }", "{ name: kafka_offset, type: bigint }"),
                "streams/x.yaml:7: record.fields[1].name: kafka_offset is a column the staging table has for every stream");
        mistakes.put(VALID.replace("{ name: page, type: text }", "{ name: view_id, type: text }"),
                "streams/x.yaml:7: record.fields[1].name: view_id is declared twice");
        mistakes.put(VALID.replace("min: 0, max: 3600000", "min: 10, max: 1"),
                "streams/x.yaml:9: record.fields[3].max: 1 is below min 10");
        mistakes.put(VALID.replace("{ name: page, type: text }", "{ name: page, type: text, min: 1 }"),
                "streams/x.yaml:7: record.fields[1].min: only a number field has one");
        mistakes.put(VALID.replace("required: false", "required: maybe"),
                "streams/x.yaml:8: record.fields[2].required: 'maybe' is not true or false");
        mistakes.put(VALID.replace("lake:\n  prefix: ${LAKE_ROOT}/page_views/\n", ""),
                "streams/x.yaml:1: lake is missing");
        mistakes.put(VALID.replace("type: text, maxLength: 64", "type: \"numeric(5,7)\""),
                "streams/x.yaml:6: record.fields[0].type: numeric(5,7) needs 1 <= precision <= 1000 and scale <= precision");
        mistakes.put(VALID.replace("  group: page-views-loader\n", ""),
                "streams/x.yaml:23: source.group is missing");
        mistakes.put(VALID.replace("deadLetterTopic: page_views.dlq", "deadLetterTopic: page_views"),
                "streams/x.yaml:25: source.deadLetterTopic: the dead letters need a topic of their own, not page_views");
        mistakes.put(VALID.replace("  count: views\n", "  count: views\n  allowedLateness: -5s\n"),
                "streams/x.yaml:18: window.allowedLateness: '-5s' is not a duration such as 1h, 1m or 30s");
        mistakes.put("stream: [", "streams/x.yaml: not valid YAML: ");
        mistakes.put("", "streams/x.yaml: the file is empty");

        mistakes.forEach((text, message) -> assertThatThrownBy(() -> read(text)).as(message)
                .isInstanceOf(StreamDeclarationException.class).hasMessageStartingWith(message));
    }

    @Test
    void aSettingOfTheOneStreamThereWasIsRefusedNamingItsKeyNow() {
        org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment()
                .withProperty("pipelines.stream.topic", "orders-prod")
                .withProperty("pipelines.stream.allowed-lateness", "5m");

        assertThatThrownBy(() -> new StreamDeclarations(new io.pipelines.config.PipelinesProperties(), environment))
                .hasMessageStartingWith("These settings are no longer read: pipelines.stream.allowed-lateness (now "
                        + "window.allowedLateness), pipelines.stream.topic (now source.topic). Each stream's file under "
                        + "streams/ says them;");
        assertThat(new StreamDeclarations(new io.pipelines.config.PipelinesProperties(), new org.springframework.mock.env
                .MockEnvironment()).get("orders_stream").source().topic()).isEqualTo("orders");
    }

    @Test
    void twoFilesMayNotDeclareOneStream() {
        StreamDeclaration a = read(VALID);
        StreamDeclaration b = StreamDeclarationReader.read("streams/y.yaml", VALID, s -> s.replace("${LAKE_ROOT}", "r"));

        assertThatThrownBy(() -> new StreamDeclarations(List.of("streams"), List.of(a, b))).hasMessage(
                "streams/y.yaml: stream page_views is declared in streams/x.yaml too");
        assertThatThrownBy(() -> new StreamDeclarations(List.of("streams", "streams/local/"), List.of(a)).get("orders_stream"))
                .hasMessage("No stream orders_stream is declared in streams/*.yaml, streams/local/*.yaml (declared: page_views)");
    }
}

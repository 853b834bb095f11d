package io.pipelines.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.pipelines.support.PipelinesIntegrationTest;

/**
 * Rows copied in PostgreSQL's binary format are the rows the text format gives: every value type a
 * landed record holds, with the edge values of each (nulls, negative and tiny and huge decimals,
 * times before 2000, text with tabs, newlines, backslashes and non-ASCII). Against the warehouse.
 */
class CopyRowsTest extends PipelinesIntegrationTest {

    private static final String COLUMNS = "(logical_date date, run_id bigint, id bigint, small integer, amount numeric(20,4), "
            + "wide numeric(38,6), ratio double precision, share real, flag boolean, label text, code varchar(20), "
            + "day date, at timestamptz, local_at timestamp)";

    @Autowired
    DataSource warehouse;
    @Autowired
    JdbcTemplate jdbc;

    private Schema schema;

    @BeforeEach
    void tables() {
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS copy_test");
        jdbc.execute("DROP TABLE IF EXISTS copy_test.binary_rows, copy_test.text_rows, copy_test.other_types");
        jdbc.execute("CREATE TABLE copy_test.binary_rows " + COLUMNS);
        // label of a domain over text: a type the binary format is not used for, so that copy goes as text.
        jdbc.execute("DROP DOMAIN IF EXISTS copy_test.label_text");
        jdbc.execute("CREATE DOMAIN copy_test.label_text AS text");
        jdbc.execute("CREATE TABLE copy_test.text_rows " + COLUMNS.replace("label text", "label copy_test.label_text"));
        // amount as text: a pair the binary format is not used for, so the whole copy goes as text.
        jdbc.execute("CREATE TABLE copy_test.other_types " + COLUMNS.replace("amount numeric(20,4)", "amount text"));
        schema = SchemaBuilder.record("rows").fields()
                .name("id").type(nullable(Schema.create(Schema.Type.LONG))).withDefault(null)
                .name("small").type(nullable(Schema.create(Schema.Type.INT))).withDefault(null)
                .name("amount").type(nullable(LogicalTypes.decimal(20, 4).addToSchema(Schema.create(Schema.Type.BYTES)))).withDefault(null)
                .name("wide").type(nullable(LogicalTypes.decimal(38, 6).addToSchema(Schema.create(Schema.Type.BYTES)))).withDefault(null)
                .name("ratio").type(nullable(Schema.create(Schema.Type.DOUBLE))).withDefault(null)
                .name("share").type(nullable(Schema.create(Schema.Type.FLOAT))).withDefault(null)
                .name("flag").type(nullable(Schema.create(Schema.Type.BOOLEAN))).withDefault(null)
                .name("label").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
                .name("code").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
                .name("day").type(nullable(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)))).withDefault(null)
                .name("at").type(nullable(LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))).withDefault(null)
                .name("local_at").type(nullable(LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))).withDefault(null)
                .endRecord();
    }

    @Test
    void binaryRowsAreTheRowsOfTheTextFormat() throws Exception {
        List<GenericRecord> records = records();
        assertThat(copy("copy_test.binary_rows", records)).as("binary format used").isTrue();
        assertThat(copy("copy_test.text_rows", records)).as("text format used").isFalse();

        List<Map<String, Object>> binary = rows("copy_test.binary_rows");
        assertThat(binary).hasSize(records.size()).isEqualTo(rows("copy_test.text_rows"));
        // And the values are the records' own, not only the same mistakes twice.
        Map<String, Object> first = binary.get(0);
        assertThat(first.get("amount")).hasToString("-12345678.9012");
        assertThat(first.get("wide")).hasToString("123456789012345678901234567890.123456");
        assertThat(first.get("label")).isEqualTo("tab\there, newline\nthere, back\\slash, ünïcödé €");
        assertThat(((java.sql.Timestamp) first.get("at")).toInstant()).isEqualTo(Instant.parse("1999-12-31T23:59:59.999999Z"));
        assertThat(first.get("logical_date")).hasToString("2026-11-24");
        assertThat(jdbc.queryForList("SELECT amount::text FROM copy_test.binary_rows ORDER BY id", String.class))
                .containsExactly("-12345678.9012", "0.0500", "0.0000", "1000000.0000", null, "99999999.9999", "-0.0001");
    }

    @Test
    void aColumnWhoseTypeTheBinaryFormatDoesNotTakeMakesTheCopyText() throws Exception {
        assertThat(copy("copy_test.other_types", records())).isFalse();
        assertThat(jdbc.queryForList("SELECT amount FROM copy_test.other_types ORDER BY id", String.class))
                .containsExactly("-12345678.9012", "0.0500", "0.0000", "1000000.0000", null, "99999999.9999", "-0.0001");
    }

    @Test
    void aTextValueOnEveryRowGoesInTheBinaryFormatToo() throws Exception {
        jdbc.execute("DROP TABLE IF EXISTS copy_test.keyed_rows");
        jdbc.execute("CREATE TABLE copy_test.keyed_rows (lake_key text, id bigint)");
        Schema ids = SchemaBuilder.record("ids").fields().requiredLong("id").endRecord();
        try (Connection c = warehouse.getConnection()) {
            c.setAutoCommit(false);
            try (CopyRows rows = CopyRows.open(c, "copy_test.keyed_rows", List.of("lake_key"), ids, "raw/x/caf\u00e9.parquet")) {
                assertThat(rows.isBinary()).isTrue();
                rows.row(new org.apache.avro.generic.GenericRecordBuilder(ids).set("id", 1L).build());
                assertThat(rows.finish()).isEqualTo(1);
            }
            c.commit();
        }
        assertThat(jdbc.queryForMap("SELECT lake_key, id FROM copy_test.keyed_rows"))
                .isEqualTo(Map.of("lake_key", "raw/x/caf\u00e9.parquet", "id", 1L));
    }

    /** Copies the records; says whether the binary format was used. */
    private boolean copy(String table, List<GenericRecord> records) throws Exception {
        try (Connection c = warehouse.getConnection()) {
            c.setAutoCommit(false);
            boolean binary;
            try (CopyRows rows = CopyRows.open(c, table, List.of("logical_date", "run_id"), schema,
                    LocalDate.parse("2026-11-24"), 7L)) {
                binary = rows.isBinary();
                for (GenericRecord r : records) {
                    rows.row(r);
                }
                assertThat(rows.finish()).isEqualTo(records.size());
            }
            c.commit();
            return binary;
        }
    }

    private List<Map<String, Object>> rows(String table) {
        return jdbc.queryForList("SELECT * FROM " + table + " ORDER BY id");
    }

    private List<GenericRecord> records() {
        List<GenericRecord> records = new ArrayList<>();
        records.add(record(1L, -7, "-12345678.9012", "123456789012345678901234567890.123456", -1.5e300, 0.1f, true,
                "tab\there, newline\nthere, back\\slash, ünïcödé €", new Utf8("utf8 value"), LocalDate.parse("1970-01-01"),
                Instant.parse("1999-12-31T23:59:59.999999Z"), LocalDateTime.parse("1900-01-01T00:00:00.000001")));
        records.add(record(2L, Integer.MAX_VALUE, "0.05", "-0.000001", 0.0, -0.0f, false, "", "", LocalDate.parse("2000-01-01"),
                Instant.parse("2000-01-01T00:00:00Z"), LocalDateTime.parse("2000-01-01T00:00:00")));
        records.add(record(3L, Integer.MIN_VALUE, "0", "0.000000", Double.MAX_VALUE, Float.MIN_VALUE, null, null, null,
                LocalDate.parse("2099-12-31"), Instant.parse("2262-04-11T23:47:16.854775Z"), null));
        records.add(record(4L, 0, "1000000", "-99999999999999999999999999999999.999999", Double.MIN_VALUE, 3.4e38f, true,
                "x", "code", null, Instant.parse("1600-06-30T12:00:00.5Z"), LocalDateTime.parse("2026-11-24T10:15:30.123456")));
        records.add(record(5L, null, null, null, null, null, null, "null", "\\N", LocalDate.parse("0001-01-01"), null, null));
        records.add(record(6L, 1, "99999999.9999", "10000", 1e-300, 1e-30f, false, "a\rb", "c", LocalDate.parse("1999-12-31"),
                Instant.parse("2026-11-24T10:15:30.000001Z"), LocalDateTime.parse("1999-12-31T23:59:59.999999")));
        records.add(record(7L, -1, "-0.0001", "0.1", -0.5, 1.0f, true, "z", "d", LocalDate.parse("2026-11-24"),
                Instant.parse("1970-01-01T00:00:00Z"), LocalDateTime.parse("1970-01-01T00:00:00")));
        return records;
    }

    private GenericRecord record(Long id, Integer small, String amount, String wide, Double ratio, Float share, Boolean flag,
                                 CharSequence label, CharSequence code, LocalDate day, Instant at, LocalDateTime localAt) {
        GenericData.Record r = new GenericData.Record(schema);
        r.put("id", id);
        r.put("small", small);
        r.put("amount", amount == null ? null : new BigDecimal(amount).setScale(4));
        r.put("wide", wide == null ? null : new BigDecimal(wide).setScale(6));
        r.put("ratio", ratio);
        r.put("share", share);
        r.put("flag", flag);
        r.put("label", label);
        r.put("code", code);
        r.put("day", day);
        r.put("at", at);
        r.put("local_at", localAt);
        return r;
    }

    private static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }
}

package io.pipelines.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake's Parquet writer for flat records writes the very files Avro's own write support writes. */
class ParquetFilesTest {

    private static final Schema SCHEMA = SchemaBuilder.record("orders").namespace("pipelines").fields()
            .name("id").type(nullable(Schema.create(Schema.Type.LONG))).withDefault(null)
            .name("small").type(nullable(Schema.create(Schema.Type.INT))).withDefault(null)
            .name("total").type(nullable(LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES)))).withDefault(null)
            .name("ratio").type(nullable(Schema.create(Schema.Type.DOUBLE))).withDefault(null)
            .name("share").type(nullable(Schema.create(Schema.Type.FLOAT))).withDefault(null)
            .name("flag").type(nullable(Schema.create(Schema.Type.BOOLEAN))).withDefault(null)
            .name("label").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
            .name("day").type(nullable(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)))).withDefault(null)
            .name("at").type(nullable(LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))).withDefault(null)
            .name("local_at").type(nullable(LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG)))).withDefault(null)
            .endRecord();

    @TempDir
    Path dir;

    @Test
    void flatRecordsMakeTheFileAvroItselfWrites() throws Exception {
        assertThat(FlatRecordWriteSupport.supports(SCHEMA)).isTrue();
        List<GenericRecord> records = records(20_000);
        Map<String, String> metadata = Map.of("pipelines.run_id", "7");
        Path flat = dir.resolve("flat.parquet");
        Path avro = dir.resolve("avro.parquet");
        try (ParquetWriter<GenericRecord> w = ParquetFiles.writer(flat, SCHEMA, metadata)) {
            for (GenericRecord r : records) {
                w.write(r);
            }
        }
        try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(avro))
                .withSchema(SCHEMA).withDataModel(ParquetFiles.MODEL).withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ParquetFiles.ROW_GROUP_BYTES).withExtraMetaData(metadata).build()) {
            for (GenericRecord r : records) {
                w.write(r);
            }
        }
        assertThat(Files.mismatch(flat, avro)).as("byte for byte the same file").isEqualTo(-1L);

        List<GenericRecord> read = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = ParquetFiles.reader(flat)) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                read.add(r);
            }
        }
        assertThat(read).hasSize(records.size());
        for (int i = 0; i < records.size(); i += 997) {
            for (Schema.Field f : SCHEMA.getFields()) {
                Object expected = records.get(i).get(f.pos());
                if (expected instanceof BigDecimal d) {
                    expected = d.setScale(2); // read back in the schema's scale
                }
                Object actual = read.get(i).get(f.pos());
                assertThat(actual == null ? null : actual.toString()).as("record %d field %s", i, f.name())
                        .isEqualTo(expected == null ? null : expected.toString());
            }
        }
    }

    @Test
    void aDecimalOfAnotherScaleIsRefusedAsAvroRefusesIt() throws Exception {
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("total", new BigDecimal("1.005"));
        try (ParquetWriter<GenericRecord> w = ParquetFiles.writer(dir.resolve("bad.parquet"), SCHEMA, Map.of())) {
            assertThatThrownBy(() -> w.write(r)).hasMessageContaining("scale 3 as scale 2");
        }
    }

    @Test
    void recordsWithOtherFieldsAreLeftToAvrosWriteSupport() {
        assertThat(FlatRecordWriteSupport.supports(SchemaBuilder.record("r").fields()
                .name("tags").type().array().items().stringType().noDefault().endRecord())).isFalse();
        assertThat(FlatRecordWriteSupport.supports(SchemaBuilder.record("r").fields()
                .name("id").type().unionOf().longType().and().stringType().endUnion().noDefault().endRecord()))
                .as("a union of two types").isFalse();
    }

    /** Required fields (what the streams land), beside nullable ones. */
    private static final Schema REQUIRED = SchemaBuilder.record("event").namespace("pipelines").fields()
            .requiredString("id")
            .name("total").type(LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES))).noDefault()
            .name("at").type(LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
            .name("note").type(nullable(Schema.create(Schema.Type.STRING))).withDefault(null)
            .requiredInt("kafka_partition")
            .requiredLong("kafka_offset")
            .endRecord();

    @Test
    void recordsWithRequiredFieldsMakeTheFileAvroItselfWrites() throws Exception {
        assertThat(FlatRecordWriteSupport.supports(REQUIRED)).isTrue();
        Random random = new Random(3);
        List<GenericRecord> records = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            GenericRecord r = new GenericData.Record(REQUIRED);
            r.put(0, "e-" + random.nextInt(1_000_000));
            r.put(1, BigDecimal.valueOf(random.nextInt(10_000_000), 2));
            r.put(2, Instant.ofEpochSecond(1_700_000_000L + random.nextInt(10_000_000), random.nextInt(1_000_000) * 1000));
            r.put(3, random.nextBoolean() ? null : "n" + i);
            r.put(4, random.nextInt(3));
            r.put(5, (long) i);
            records.add(r);
        }
        Path flat = dir.resolve("flat.parquet");
        Path avro = dir.resolve("avro.parquet");
        Set<String> unique = Set.of("id", "at", "kafka_offset");
        try (ParquetWriter<GenericRecord> w = ParquetFiles.writer(flat, REQUIRED, Map.of(), unique)) {
            for (GenericRecord r : records) {
                w.write(r);
            }
        }
        AvroParquetWriter.Builder<GenericRecord> builder = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(avro))
                .withSchema(REQUIRED).withDataModel(ParquetFiles.MODEL).withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ParquetFiles.ROW_GROUP_BYTES).withExtraMetaData(Map.of());
        unique.forEach(c -> builder.withDictionaryEncoding(c, false));
        try (ParquetWriter<GenericRecord> w = builder.build()) {
            for (GenericRecord r : records) {
                w.write(r);
            }
        }
        assertThat(Files.mismatch(flat, avro)).as("byte for byte the same file").isEqualTo(-1L);

        GenericRecord missing = new GenericData.Record(REQUIRED);
        missing.put(0, "e-1");
        try (ParquetWriter<GenericRecord> w = ParquetFiles.writer(dir.resolve("bad.parquet"), REQUIRED, Map.of())) {
            assertThatThrownBy(() -> w.write(missing)).hasMessage("Null-value for required field: total");
        }
    }

    private static List<GenericRecord> records(int n) {
        Random random = new Random(42);
        List<GenericRecord> records = new ArrayList<>();
        String[] labels = {"books", "electronics", "garden", "ünïcödé €", ""};
        for (int i = 0; i < n; i++) {
            GenericData.Record r = new GenericData.Record(SCHEMA);
            boolean nulls = i % 13 == 0;
            r.put("id", nulls ? null : 900_000_000_000L + i);
            r.put("small", nulls ? null : random.nextInt());
            // Every third total of scale 1: Avro rescales it to the schema's 2, and so must the flat writer.
            r.put("total", nulls ? null : BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, i % 3 == 0 ? 1 : 2));
            r.put("ratio", nulls ? null : random.nextGaussian() * 1e6);
            r.put("share", nulls ? null : random.nextFloat());
            r.put("flag", nulls ? null : random.nextBoolean());
            r.put("label", nulls ? null : i % 2 == 0 ? labels[i % labels.length] : new Utf8(labels[(i + 1) % labels.length]));
            r.put("day", nulls ? null : LocalDate.ofEpochDay(random.nextInt(100_000) - 30_000));
            r.put("at", nulls ? null : Instant.ofEpochSecond(random.nextInt() * 4L, random.nextInt(1_000_000) * 1000L));
            r.put("local_at", nulls ? null : LocalDateTime.of(1900 + i % 300, 1 + i % 12, 1 + i % 28, i % 24, i % 60, i % 60,
                    (i % 1000) * 1000));
            records.add(r);
        }
        return records;
    }

    private static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }
}

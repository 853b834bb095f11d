package io.pipelines.lake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Parquet files on local disk, written and read record by record (row group by row group), with
 * Java types for logical types: BigDecimal for decimals, Instant and LocalDateTime for timestamps,
 * LocalDate for dates. No Hadoop filesystem is involved.
 */
public final class ParquetFiles {

    /** Rows are buffered a row group at a time before they are written: this bounds the writer's memory. */
    public static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    /** The data model of every lake object: Avro generic records with logical-type conversions. */
    public static final GenericData MODEL = model();

    private ParquetFiles() {
    }

    /**
     * A writer of records of {@code schema}: flat records of nullable scalars (the extracts' rows)
     * through {@link FlatRecordWriteSupport}, any other through Avro's own write support; the files
     * are the same either way.
     */
    public static ParquetWriter<GenericRecord> writer(Path file, Schema schema, Map<String, String> metadata)
            throws IOException {
        return writer(file, schema, metadata, Set.of());
    }

    /**
     * The same, with the columns {@code unique} written without a dictionary: a dictionary of values that
     * hardly repeat (keys, event ids) costs hashing every value for nothing until Parquet drops it for
     * plain encoding, re-encoding what it held.
     */
    public static ParquetWriter<GenericRecord> writer(Path file, Schema schema, Map<String, String> metadata,
                                                      Set<String> unique) throws IOException {
        ParquetWriter.Builder<GenericRecord, ?> builder = FlatRecordWriteSupport.supports(schema)
                ? new FlatBuilder(file, schema)
                : AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file)).withSchema(schema).withDataModel(MODEL);
        for (String column : unique) {
            builder.withDictionaryEncoding(column, false);
        }
        return builder
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withExtraMetaData(metadata)
                .build();
    }

    private static final class FlatBuilder extends ParquetWriter.Builder<GenericRecord, FlatBuilder> {
        private final Schema schema;

        FlatBuilder(Path file, Schema schema) {
            super(new LocalOutputFile(file));
            this.schema = schema;
        }

        @Override
        protected FlatBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
            return getWriteSupport(new HadoopParquetConfiguration(conf));
        }

        @Override
        protected WriteSupport<GenericRecord> getWriteSupport(ParquetConfiguration conf) {
            return new FlatRecordWriteSupport(new AvroSchemaConverter(conf).convert(schema), schema, MODEL);
        }
    }

    public static ParquetReader<GenericRecord> reader(Path file) throws IOException {
        return AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file), new PlainParquetConfiguration())
                .withDataModel(MODEL)
                .build();
    }

    private static GenericData model() {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        return model;
    }
}

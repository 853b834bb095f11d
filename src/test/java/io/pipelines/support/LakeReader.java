package io.pipelines.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;

import io.pipelines.lake.Lake;
import io.pipelines.lake.ParquetFiles;

/** Reads a Parquet object of the lake back, record by record, the way a test checks what landed. */
public final class LakeReader {

    private LakeReader() {
    }

    public static void forEachRecord(Lake lake, String key, Consumer<GenericRecord> each) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "test-read"));
        Path file = Files.createTempFile(dir, "object", ".parquet");
        try {
            lake.download(key, file);
            try (ParquetReader<GenericRecord> reader = ParquetFiles.reader(file)) {
                for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                    each.accept(r);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

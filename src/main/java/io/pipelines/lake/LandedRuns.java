package io.pipelines.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetReader;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/**
 * The runs landed in the lake: their manifests, their records, and the replacement of a date's
 * earlier runs once a new one is committed.
 */
@Component
public class LandedRuns {

    /** What is done with each record read back from the lake. */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(GenericRecord record) throws Exception;
    }

    private final Lake lake;
    private final ObjectMapper json;
    private final Path spoolDir;

    public LandedRuns(Lake lake, ObjectMapper json, PipelinesProperties properties) {
        this.lake = lake;
        this.json = json;
        this.spoolDir = properties.getLake().getSpoolDir();
    }

    /** Writes the manifest, which commits the run folder: it goes last. */
    public String commit(String runFolder, Manifest manifest) {
        String key = LakeKeys.manifest(runFolder);
        try {
            lake.put(key, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + lake.uri(key), e);
        }
        return key;
    }

    /** The manifest of a run folder; fails when the folder was never committed. */
    public Manifest manifest(String runFolder) {
        String key = LakeKeys.manifest(runFolder);
        if (!lake.exists(key)) {
            throw new IllegalStateException("No manifest at " + lake.uri(key)
                    + ": the run's data was not landed completely; run the extract task again");
        }
        try {
            return json.readValue(lake.read(key), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable manifest " + lake.uri(key), e);
        }
    }

    /** Removes what an earlier attempt of the same run left in its folder. */
    public void clear(String runFolder) {
        lake.delete(lake.list(runFolder));
    }

    /** Deletes every object of the date partition outside the folder kept (earlier runs of the date). */
    public List<String> dropOtherRuns(String datePartition, String keptRunFolder) {
        List<String> stale = lake.list(datePartition).stream().filter(k -> !k.startsWith(keptRunFolder)).toList();
        lake.delete(stale);
        return stale;
    }

    /** Reads every record of the run's objects, object by object, row group by row group. */
    public void forEachRecord(Manifest manifest, RecordHandler handler) throws Exception {
        Files.createDirectories(spoolDir);
        for (Manifest.LakeObject object : manifest.objects()) {
            Path file = Files.createTempFile(spoolDir, "read", ".parquet");
            try {
                lake.download(object.key(), file);
                try (ParquetReader<GenericRecord> reader = ParquetFiles.reader(file)) {
                    for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                        handler.handle(r);
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}

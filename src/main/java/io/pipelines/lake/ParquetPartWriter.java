package io.pipelines.lake;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Writes records into Parquet objects of a lake folder, {@code part-00000.parquet} onwards, rolling
 * to the next part every {@code rowsPerObject} rows. Each part is spooled to a local file, uploaded
 * when full and then deleted, so memory and disk hold one part at most.
 */
public class ParquetPartWriter implements Closeable {

    private final Lake lake;
    private final Path spoolDir;
    private final String folder;
    private final Schema schema;
    private final Map<String, String> metadata;
    private final Set<String> unique;
    private final int rowsPerObject;
    private final Runnable beforeUpload;
    private final List<Manifest.LakeObject> written = new ArrayList<>();

    private ParquetWriter<GenericRecord> current;
    private Path currentFile;
    private long currentRows;

    /**
     * {@code beforeUpload} runs before each part is uploaded and stops the writing by throwing (the
     * run's ownership check: an instance whose run was taken over uploads no further part).
     */
    public ParquetPartWriter(Lake lake, Path spoolDir, String folder, Schema schema, Map<String, String> metadata,
                             int rowsPerObject, Runnable beforeUpload) {
        this(lake, spoolDir, folder, schema, metadata, Set.of(), rowsPerObject, beforeUpload);
    }

    /** The same, with the columns {@code unique} written without a dictionary (see {@link ParquetFiles#writer}). */
    public ParquetPartWriter(Lake lake, Path spoolDir, String folder, Schema schema, Map<String, String> metadata,
                             Set<String> unique, int rowsPerObject, Runnable beforeUpload) {
        this.unique = unique;
        this.lake = lake;
        this.spoolDir = spoolDir;
        this.folder = folder;
        this.schema = schema;
        this.metadata = metadata;
        this.rowsPerObject = rowsPerObject;
        this.beforeUpload = beforeUpload;
    }

    public void write(GenericRecord record) throws IOException {
        if (current == null) {
            Files.createDirectories(spoolDir);
            currentFile = Files.createTempFile(spoolDir, "part", ".parquet");
            current = ParquetFiles.writer(currentFile, schema, metadata, unique);
            currentRows = 0;
        }
        current.write(record);
        currentRows++;
        if (currentRows >= rowsPerObject) {
            flushPart();
        }
    }

    /** Uploads the last part and returns every object written, in order. */
    public List<Manifest.LakeObject> finish() throws IOException {
        if (current != null) {
            flushPart();
        }
        return List.copyOf(written);
    }

    private void flushPart() throws IOException {
        current.close();
        current = null;
        try {
            String key = LakeKeys.part(folder, written.size());
            long bytes = Files.size(currentFile);
            String sha256 = sha256(currentFile);
            beforeUpload.run();
            lake.put(key, currentFile);
            written.add(new Manifest.LakeObject(key, currentRows, bytes, sha256));
        } finally {
            Files.deleteIfExists(currentFile);
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            try {
                current.close();
            } finally {
                current = null;
                Files.deleteIfExists(currentFile);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

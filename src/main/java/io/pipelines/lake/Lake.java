package io.pipelines.lake;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** The object store of the lake, by key. The only way the service touches it. */
public interface Lake {

    /** Stores a local file under the key, replacing any object there. */
    void put(String key, Path file);

    /** Stores bytes under the key, replacing any object there. */
    void put(String key, byte[] content, String contentType);

    /** Copies the object into a local file. */
    void download(String key, Path target);

    /** The object's bytes (small objects only: manifests). */
    byte[] read(String key);

    /** Whether an object exists under the key. */
    boolean exists(String key);

    /** Keys of the objects under the prefix, in key order (no folder entries). */
    List<String> list(String prefix);

    /** Deletes the objects; keys that do not exist are ignored. */
    void delete(Collection<String> keys);

    /** The address of a key for people and lineage: s3://bucket/key. */
    String uri(String key);
}

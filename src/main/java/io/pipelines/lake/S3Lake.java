package io.pipelines.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The lake on an S3-compatible store (AWS S3, MinIO, S3Proxy). */
@Component
public class S3Lake implements Lake {

    private final S3Client s3;
    private final String bucket;

    public S3Lake(S3Client s3, PipelinesProperties properties) {
        this.s3 = s3;
        this.bucket = properties.getLake().getBucket();
    }

    @Override
    public void put(String key, Path file) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream"), RequestBody.fromFile(file));
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
    }

    @Override
    public void download(String key, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".download");
            Files.deleteIfExists(partial);
            s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(partial));
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not download " + uri(key) + " to " + target, e);
        }
    }

    @Override
    public byte[] read(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Override
    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
            // Filesystem-backed stores list folders too, as keys ending in '/'.
            if (!object.key().endsWith("/")) {
                keys.add(object.key());
            }
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(Collection<String> keys) {
        // One request per key: multi-object delete needs a Content-MD5 that not every store accepts
        // from this SDK, and a partition holds few objects.
        for (String key : keys) {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        }
    }

    @Override
    public String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }
}

package io.pipelines.lake;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pipelines.config.PipelinesProperties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The one S3 client of the service (Camel's aws2-s3 component picks it up too). */
@Configuration(proxyBeanMethods = false)
public class LakeConfig {

    @Bean(destroyMethod = "close")
    public S3Client s3Client(PipelinesProperties properties) {
        PipelinesProperties.Lake lake = properties.getLake();
        var builder = S3Client.builder()
                .region(Region.of(lake.getRegion()))
                .credentialsProvider(credentials(lake))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(lake.isPathStyleAccess()).build())
                // Checksums only where S3 requires them: S3-compatible stores reject the SDK's default ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (!lake.getEndpoint().isBlank()) {
            builder.endpointOverride(URI.create(lake.getEndpoint()));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(PipelinesProperties.Lake lake) {
        if (lake.getAccessKey().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(lake.getAccessKey(), lake.getSecretKey()));
    }
}

package io.spillway.snapshot.s3;

import java.net.URI;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The one S3 client of the worker, built from {@code spillway.s3.*}. */
@ApplicationScoped
public class S3ClientProducer {

    private static final Logger LOG = Logger.getLogger(S3ClientProducer.class);

    @Produces
    @Singleton
    S3Client s3Client(SnapshotWorkerConfig.S3 s3) {
        return builder(s3).build();
    }

    /**
     * The worker's client from {@code spillway.s3.*}, not yet built: endpoint, region, addressing, credentials and
     * server-side encryption.
     *
     * @throws IllegalStateException naming the setting, when the settings cannot work together
     */
    public static S3ClientBuilder builder(SnapshotWorkerConfig.S3 s3) {
        S3ClientBuilder builder = configure(S3Client.builder())
                .region(Region.of(s3.region()))
                .credentialsProvider(credentials(s3))
                .forcePathStyle(s3.pathStyleAccess());
        s3.endpoint().map(URI::create).ifPresent(builder::endpointOverride);
        ServerSideEncryptionInterceptor.of(s3).ifPresent(encryption -> {
            LOG.infof("Objects written to bucket %s are encrypted by the store: %s", s3.bucket(),
                    encryption.describe());
            builder.overrideConfiguration(override -> override.addExecutionInterceptor(encryption));
        });
        return builder;
    }

    /**
     * What every client of the repository is built with, wherever it runs (the worker, the benchmark's tool).
     *
     * <ul>
     * <li>Checksums only where the operation requires them: S3-compatible stores do not all accept the SDK's default
     * trailing checksums, and every chunk is verified by its SHA-256 content address (and, encrypted, by its GCM tag)
     * when it is read back.</li>
     * <li>No aws-chunked uploads. Over plain HTTP the SDK signs every payload, by default as a stream of signed 128
     * KiB chunks; S3-compatible servers decode that slowly (s3proxy byte by byte: on a 2 GiB snapshot it spent more
     * CPU than the worker) and some not at all. A pack is in memory anyway, so its whole SHA-256 is signed instead;
     * over HTTPS nothing changes, the payload is not signed there.</li>
     * </ul>
     */
    public static S3ClientBuilder configure(S3ClientBuilder builder) {
        return builder
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(120)));
    }

    void close(@Disposes S3Client client) {
        client.close();
    }

    /**
     * Static keys when both are set; else the SDK's default chain, whose web-identity step (AWS_ROLE_ARN and
     * AWS_WEB_IDENTITY_TOKEN_FILE, as EKS sets them for a service account with an IAM role) needs the {@code sts}
     * module on the class path. One key without the other is a mistake, not a reason to fall back to the chain.
     */
    static AwsCredentialsProvider credentials(SnapshotWorkerConfig.S3 s3) {
        if (s3.accessKey().isPresent() != s3.secretKey().isPresent()) {
            throw new IllegalStateException(s3.accessKey().isPresent()
                    ? "spillway.s3.access-key is set but spillway.s3.secret-key is not: set both, or neither to use"
                            + " the SDK's default credentials chain"
                    : "spillway.s3.secret-key is set but spillway.s3.access-key is not: set both, or neither to use"
                            + " the SDK's default credentials chain");
        }
        if (s3.accessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(s3.accessKey().get(), s3.secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}

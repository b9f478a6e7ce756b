package io.spillway.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** An S3 endpoint with one bucket: s3proxy on its filesystem backend run as its own JVM, or an external store. */
public final class S3Proxy implements AutoCloseable {

    public static final String DEFAULT_BUCKET = "spillway";
    public static final String DEFAULT_REGION = "us-east-1";
    static final String ACCESS_KEY = "spillway";
    static final String SECRET_KEY = "spillway-secret";

    /**
     * s3proxy logs every request at DEBUG without a configuration and then runs about ten times slower
     * (ARCHITECTURE.md): WARN it is.
     */
    private static final String LOGBACK_CONFIG = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private final String endpoint;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private final String region;
    private final ManagedProcess process;

    private S3Proxy(String endpoint, String accessKey, String secretKey, String bucket, String region,
            ManagedProcess process) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.bucket = bucket;
        this.region = region;
        this.process = process;
    }

    /**
     * Starts s3proxy storing objects under {@code dataDir/data} on {@code port} (0: a free one), waits until
     * it answers and creates bucket {@value #DEFAULT_BUCKET}.
     */
    public static S3Proxy start(Path dataDir, int port, boolean detached) {
        try {
            return doStart(dataDir, port, detached);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start s3proxy in " + dataDir, e);
        }
    }

    /** A store someone else runs; {@link #close()} leaves it alone. Waits until it answers and creates the bucket. */
    public static S3Proxy external(String endpoint, String accessKey, String secretKey, String bucket, String region) {
        S3Proxy store = at(endpoint, accessKey, secretKey, bucket, region);
        store.awaitReadyAndCreateBucket(() -> {
        });
        return store;
    }

    /** A handle on a store without contacting it. */
    static S3Proxy at(String endpoint, String accessKey, String secretKey, String bucket, String region) {
        return new S3Proxy(stripSlash(endpoint), accessKey, secretKey, bucket, region, null);
    }

    private static S3Proxy doStart(Path dataDir, int requestedPort, boolean detached) throws IOException {
        int port = Readiness.portOrFree(requestedPort, "s3proxy");
        Path data = dataDir.resolve("data");
        Files.createDirectories(data);
        Path properties = dataDir.resolve("s3proxy.properties");
        Path logback = dataDir.resolve("logback.xml");
        String endpoint = "http://" + Readiness.HOST + ":" + port;
        Files.writeString(properties, String.join("\n",
                "# Written by the Spillway platform.",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data,
                ""));
        Files.writeString(logback, LOGBACK_CONFIG);
        ManagedProcess server = ManagedProcess.start("s3proxy",
                List.of(ManagedProcess.javaExecutable(), "-Xms64m", "-Xmx512m", "-Djava.awt.headless=true",
                        "-Dlogback.configurationFile=" + logback,
                        "-cp", ManagedProcess.runtimeClasspath("s3proxy"),
                        "org.gaul.s3proxy.Main", "--properties", properties.toString()),
                dataDir, dataDir.resolve("s3proxy.log"), detached);
        S3Proxy store = new S3Proxy(endpoint, ACCESS_KEY, SECRET_KEY, DEFAULT_BUCKET, DEFAULT_REGION, server);
        try {
            store.awaitReadyAndCreateBucket(server::checkAlive);
        } catch (RuntimeException e) {
            server.stop();
            throw new IllegalStateException("s3proxy did not start on " + endpoint + "; last lines of "
                    + server.log() + ":\n" + server.logTail(60), e);
        }
        return store;
    }

    private void awaitReadyAndCreateBucket(Runnable liveness) {
        try (S3Client s3 = client()) {
            Readiness.await("S3 at " + endpoint, Readiness.START_TIMEOUT, liveness, s3::listBuckets);
            try {
                s3.createBucket(request -> request.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
                // Created by an earlier run or another JVM: that is the state we want.
            }
        }
    }

    /** Whether the store answers a listBuckets within a few seconds. */
    boolean answers() {
        try (S3Client s3 = client()) {
            s3.listBuckets();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A client for this store: path-style addressing (no bucket DNS names on 127.0.0.1), static credentials,
     * and checksums only where S3 requires them, since S3-compatible stores do not all take the SDK's
     * default trailing checksums. The caller closes it.
     */
    public S3Client client() {
        return client(endpoint, accessKey, secretKey, region);
    }

    static S3Client client(String endpoint, String accessKey, String secretKey, String region) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .build();
    }

    /** {@code http://127.0.0.1:<port>} for s3proxy. */
    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String bucket() {
        return bucket;
    }

    public String region() {
        return region;
    }

    /** The s3proxy JVM's pid when this platform started it. */
    public OptionalLong pid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** Stops s3proxy if this platform started it. */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }

    private static String stripSlash(String endpoint) {
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }
}

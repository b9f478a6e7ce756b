package io.spillway.snapshot.s3;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Lists at most one key of the worker's bucket with the worker's own client, so with the same endpoint, addressing
 * and credentials as every snapshot, and answers UP, or DOWN naming the setting to fix (see {@link S3Diagnosis}).
 * Needs only s3:ListBucket: it writes nothing, so what only a write shows (a KMS key the role may not use) it cannot.
 */
public final class S3Probe {

    /** The name of the check in {@code /q/health}. */
    public static final String NAME = "s3";

    private static final Logger LOG = Logger.getLogger(S3Probe.class);

    private final S3Client s3;
    private final SnapshotWorkerConfig.S3 config;
    private final Duration timeout;
    /** The latest problem logged, so a probe that stays DOWN logs it once rather than every few seconds. */
    private String lastProblem;

    public S3Probe(S3Client s3, SnapshotWorkerConfig.S3 config, Duration timeout) {
        this.s3 = s3;
        this.config = config;
        this.timeout = timeout;
    }

    /** Lists the bucket, waiting at most the timeout; never throws. */
    public synchronized HealthCheckResponse check() {
        Map<String, Object> data = settings();
        try {
            s3.listObjectsV2(request -> request.bucket(config.bucket()).maxKeys(1)
                    .overrideConfiguration(override -> override.apiCallTimeout(timeout)));
        } catch (S3Exception e) {
            if ("NoSuchBucket".equals(code(e)) && config.createBucket()) {
                // The worker creates it before its first write; the endpoint and the keys work.
                data.put("bucket-missing", "created at the first write (spillway.s3.create-bucket=true)");
                return up(data);
            }
            return down(data, e);
        } catch (RuntimeException e) {
            return down(data, e);
        }
        return up(data);
    }

    private HealthCheckResponse up(Map<String, Object> data) {
        if (lastProblem != null) {
            LOG.infof("S3 readiness UP again at %s", S3Diagnosis.endpoint(config));
            lastProblem = null;
        }
        return new HealthCheckResponse(NAME, HealthCheckResponse.Status.UP, Optional.of(data));
    }

    private HealthCheckResponse down(Map<String, Object> data, Exception failure) {
        S3Diagnosis.Problem problem = S3Diagnosis.of(failure, config, timeout);
        if (!problem.message().equals(lastProblem)) {
            LOG.warnf("S3 readiness DOWN: %s", problem.message());
            lastProblem = problem.message();
        }
        LOG.debug("S3 readiness failure", failure);
        data.put("setting", problem.settings());
        data.put("error", problem.message());
        return new HealthCheckResponse(NAME, HealthCheckResponse.Status.DOWN, Optional.of(data));
    }

    /** Where and as whom the worker writes; never the secret key. */
    private Map<String, Object> settings() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("spillway.s3.endpoint", S3Diagnosis.endpoint(config));
        data.put("spillway.s3.bucket", config.bucket());
        data.put("spillway.s3.region", config.region());
        data.put("spillway.s3.path-style-access", config.pathStyleAccess());
        data.put("credentials", S3Diagnosis.credentials(config));
        data.put("spillway.s3.server-side-encryption", config.serverSideEncryption());
        return data;
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}

package io.spillway.snapshot.s3;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLException;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Says which {@code spillway.s3.*} setting an operator should look at when the store does not answer as it should:
 * the endpoint, the keys, the bucket or the region, with the value that was used (never the secret key).
 */
public final class S3Diagnosis {

    static final String ENDPOINT = "spillway.s3.endpoint";
    static final String KEYS = "spillway.s3.access-key, spillway.s3.secret-key";
    static final String BUCKET = "spillway.s3.bucket";
    static final String REGION = "spillway.s3.region";

    /** The settings to look at, as an operator writes them, and why. */
    public record Problem(String settings, String message) {
    }

    private S3Diagnosis() {
    }

    /** What {@code failure}, thrown by the worker's client built from {@code config} within {@code timeout}, says. */
    public static Problem of(Exception failure, SnapshotWorkerConfig.S3 config, Duration timeout) {
        Problem problem = failure instanceof S3Exception answer ? answered(answer, config)
                : unanswered(failure, config, timeout);
        String message = problem.message();
        if (config.secretKey().isPresent() && config.secretKey().get().length() >= 4) {
            message = message.replace(config.secretKey().get(), "[hidden]");
        }
        return new Problem(problem.settings(), message);
    }

    /** The store answered with an error. */
    private static Problem answered(S3Exception e, SnapshotWorkerConfig.S3 config) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String said = (code == null ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode() + ")") + ": "
                + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        String store = "S3 at " + endpoint(config);
        if (e.statusCode() == 403) {
            if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code)) {
                return new Problem(KEYS, store + " knows the credentials of " + credentials(config) + " but does not"
                        + " let them list bucket " + config.bucket() + ": check the keys, and that their IAM policy"
                        + " allows s3:ListBucket on it (" + said + ")");
            }
            if ("RequestTimeTooSkewed".equals(code)) {
                return new Problem("clock", store + " refused the request because this machine's clock is off: "
                        + said);
            }
            return new Problem(KEYS, store + " refused the credentials of " + credentials(config) + ": check "
                    + "spillway.s3.access-key and spillway.s3.secret-key (" + said + ")");
        }
        if ("NoSuchBucket".equals(code)) {
            return new Problem(BUCKET, "Bucket " + config.bucket() + " does not exist at " + endpoint(config)
                    + ": check " + BUCKET + "=" + config.bucket() + " (spillway.s3.create-bucket="
                    + config.createBucket() + ")");
        }
        if ("PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)
                || "IllegalLocationConstraintException".equals(code) || e.statusCode() == 301) {
            String actual = e.awsErrorDetails() == null ? null
                    : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
            return new Problem(REGION, "Bucket " + config.bucket() + " is not in " + REGION + "=" + config.region()
                    + (actual == null ? "" : ": it is in " + actual) + " (" + said + ")");
        }
        if ("InvalidBucketName".equals(code)) {
            return new Problem(BUCKET, BUCKET + "=" + config.bucket() + " is not a valid bucket name (" + said + ")");
        }
        if (e.statusCode() == 404 || e.statusCode() == 405) {
            return new Problem(ENDPOINT, store + " does not answer like S3 for bucket " + config.bucket() + ": check "
                    + ENDPOINT + " and spillway.s3.path-style-access=" + config.pathStyleAccess() + " (" + said + ")");
        }
        return new Problem("spillway.s3.*", store + " refused to list bucket " + config.bucket() + ": " + said);
    }

    /** No answer, or none the client could use. */
    private static Problem unanswered(Exception failure, SnapshotWorkerConfig.S3 config, Duration timeout) {
        List<Throwable> chain = chain(failure);
        if (has(chain, ApiCallTimeoutException.class) || has(chain, ApiCallAttemptTimeoutException.class)
                || has(chain, SocketTimeoutException.class)) {
            return new Problem(ENDPOINT, "S3 does not answer at " + ENDPOINT + "=" + endpoint(config) + " within "
                    + timeout.toSeconds() + " s: check the endpoint, and that the store runs and can be reached from"
                    + " here");
        }
        Optional<UnknownHostException> unknown = find(chain, UnknownHostException.class);
        if (unknown.isPresent()) {
            String host = unknown.get().getMessage();
            boolean virtualHost = !config.pathStyleAccess() && host != null && host.startsWith(config.bucket() + ".");
            String check = virtualHost ? ": with spillway.s3.path-style-access=false the bucket is part of the host"
                    + " name, which a store on a plain host name or IP needs DNS for; set"
                    + " spillway.s3.path-style-access=true, or check " + ENDPOINT : ": check " + ENDPOINT;
            return new Problem(virtualHost ? ENDPOINT + ", spillway.s3.path-style-access" : ENDPOINT,
                    "S3 host " + host + " of " + ENDPOINT + "=" + endpoint(config) + " is unknown" + check);
        }
        if (has(chain, ConnectException.class) || has(chain, NoRouteToHostException.class)) {
            return new Problem(ENDPOINT, "S3 does not answer at " + ENDPOINT + "=" + endpoint(config) + " ("
                    + rootMessage(chain) + "): check the endpoint, and that the store runs and can be reached from"
                    + " here");
        }
        if (has(chain, SSLException.class)) {
            return new Problem(ENDPOINT, "TLS with S3 at " + ENDPOINT + "=" + endpoint(config) + " failed ("
                    + rootMessage(chain) + "): check the endpoint's scheme and certificate");
        }
        if (failure instanceof SdkClientException && String.valueOf(failure.getMessage())
                .contains("Unable to load credentials")) {
            return new Problem(KEYS, "No S3 credentials: neither spillway.s3.access-key and spillway.s3.secret-key"
                    + " are set, nor does the SDK's default chain find any (AWS_ACCESS_KEY_ID, AWS_ROLE_ARN with"
                    + " AWS_WEB_IDENTITY_TOKEN_FILE, a profile, a container or instance role): "
                    + failure.getMessage());
        }
        return new Problem("spillway.s3.*", "S3 at " + endpoint(config) + " failed: " + rootMessage(chain));
    }

    /** The endpoint as the operator set it, or the one the SDK derives when it is not set. */
    static String endpoint(SnapshotWorkerConfig.S3 config) {
        return config.endpoint().orElse("(not set: AWS S3 in " + REGION + "=" + config.region() + ")");
    }

    /** Whose credentials: the access key (not secret), or the default chain's. */
    static String credentials(SnapshotWorkerConfig.S3 config) {
        return config.accessKey().map(key -> "spillway.s3.access-key=" + key + " (secret key not shown)")
                .orElse("the SDK's default credentials chain (spillway.s3.access-key not set)");
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static boolean has(List<Throwable> chain, Class<? extends Throwable> type) {
        return find(chain, type).isPresent();
    }

    private static <T extends Throwable> Optional<T> find(List<Throwable> chain, Class<T> type) {
        return chain.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    private static String rootMessage(List<Throwable> chain) {
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).getMessage() != null) {
                return chain.get(i).getMessage();
            }
        }
        return chain.get(chain.size() - 1).getClass().getSimpleName();
    }
}

package io.spillway.snapshot.s3;

import java.util.Locale;
import java.util.Optional;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Asks the store to encrypt every object the worker's client writes ({@code spillway.s3.server-side-encryption},
 * {@code .kms-key-id}). On the client rather than at each call site, so no write path can miss it: a single PUT,
 * the start of a multipart upload (its parts inherit it; S3 refuses the headers on UploadPart) and a copy.
 */
public final class ServerSideEncryptionInterceptor implements ExecutionInterceptor {

    static final String MODE_SETTING = "spillway.s3.server-side-encryption";
    static final String KEY_SETTING = "spillway.s3.kms-key-id";

    private final ServerSideEncryption mode;
    private final String kmsKeyId;

    private ServerSideEncryptionInterceptor(ServerSideEncryption mode, String kmsKeyId) {
        this.mode = mode;
        this.kmsKeyId = kmsKeyId;
    }

    /**
     * The interceptor the settings ask for, or none for {@code none}.
     *
     * @throws IllegalStateException naming the setting, for a mode S3 does not know or a KMS key without KMS
     */
    public static Optional<ServerSideEncryptionInterceptor> of(SnapshotWorkerConfig.S3 config) {
        String value = config.serverSideEncryption().strip();
        ServerSideEncryption mode = switch (value.toLowerCase(Locale.ROOT)) {
            case "none", "" -> null;
            case "aes256" -> ServerSideEncryption.AES256;
            case "aws:kms" -> ServerSideEncryption.AWS_KMS;
            case "aws:kms:dsse" -> ServerSideEncryption.AWS_KMS_DSSE;
            default -> throw new IllegalStateException(MODE_SETTING + "=" + value
                    + " is not one of none, AES256, aws:kms, aws:kms:dsse");
        };
        Optional<String> key = config.kmsKeyId().map(String::strip).filter(id -> !id.isEmpty());
        if (key.isPresent() && mode != ServerSideEncryption.AWS_KMS && mode != ServerSideEncryption.AWS_KMS_DSSE) {
            throw new IllegalStateException(KEY_SETTING + " is set, but " + MODE_SETTING + "=" + value
                    + " uses no KMS key: set it to aws:kms (or aws:kms:dsse), or remove " + KEY_SETTING);
        }
        return Optional.ofNullable(mode).map(m -> new ServerSideEncryptionInterceptor(m, key.orElse(null)));
    }

    /** What the worker asks for, e.g. {@code aws:kms (key arn:aws:kms:...)}, for logs and readiness. */
    public String describe() {
        return mode + (kmsKeyId == null ? "" : " (key " + kmsKeyId + ")");
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
        SdkRequest request = context.request();
        if (request instanceof PutObjectRequest put) {
            return put.toBuilder().serverSideEncryption(mode).ssekmsKeyId(kmsKeyId).build();
        }
        if (request instanceof CreateMultipartUploadRequest create) {
            return create.toBuilder().serverSideEncryption(mode).ssekmsKeyId(kmsKeyId).build();
        }
        if (request instanceof CopyObjectRequest copy) {
            return copy.toBuilder().serverSideEncryption(mode).ssekmsKeyId(kmsKeyId).build();
        }
        return request;
    }
}

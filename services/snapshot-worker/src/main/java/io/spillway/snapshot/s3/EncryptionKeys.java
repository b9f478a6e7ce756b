package io.spillway.snapshot.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Optional;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.repository.Sealer;

/**
 * The repository key from configuration: {@code spillway.snapshot.encryption.key} (base64 of 32 bytes) or
 * {@code .key-file}, a file holding the same (a Kubernetes secret mounted as a volume). Neither: no encryption.
 */
public final class EncryptionKeys {

    private EncryptionKeys() {
    }

    /** @throws IllegalStateException with a message naming the property, when a key is set but unusable */
    public static Sealer sealer(SnapshotWorkerConfig.Encryption config) {
        Optional<String> encoded = config.key();
        String source = "spillway.snapshot.encryption.key";
        if (encoded.isEmpty() && config.keyFile().isPresent()) {
            source = "spillway.snapshot.encryption.key-file (" + config.keyFile().get() + ")";
            try {
                encoded = Optional.of(Files.readString(config.keyFile().get(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read " + source + ": " + e.getMessage(), e);
            }
        }
        if (encoded.isEmpty()) {
            return Sealer.none();
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.get().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not base64: " + e.getMessage(), e);
        }
        if (key.length != 32) {
            throw new IllegalStateException(source + " must be 32 bytes in base64 (e.g. `openssl rand -base64 32`),"
                    + " not " + key.length + " bytes");
        }
        return Sealer.aes256Gcm(key);
    }
}

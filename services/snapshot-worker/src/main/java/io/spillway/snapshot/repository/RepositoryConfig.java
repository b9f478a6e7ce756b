package io.spillway.snapshot.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * The repository's {@code config} object: its format and whether it is encrypted, with a sealed check value, so a
 * worker with no key or another key stops before it writes anything. Written on first use, checked once per worker.
 */
final class RepositoryConfig {

    static final String KEY = "config";
    static final String FORMAT = "spillway.repository.v1";
    private static final String CHECK_PLAINTEXT = "spillway repository key check";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectStore objects;
    private final Sealer sealer;
    private volatile boolean checked;

    RepositoryConfig(ObjectStore objects, Sealer sealer) {
        this.objects = objects;
        this.sealer = sealer;
    }

    /**
     * Reads the repository's config, writing it on first use. A repository is encrypted or not for life: a worker
     * whose sealer disagrees with it, or whose key does not open its check value, stops here.
     */
    void check() {
        if (checked) {
            return;
        }
        synchronized (this) {
            if (checked) {
                return;
            }
            Optional<byte[]> stored = objects.get(KEY);
            if (stored.isEmpty()) {
                ObjectNode config = MAPPER.createObjectNode();
                config.put("format", FORMAT);
                config.put("encryption", sealer.encrypts() ? "aes-256-gcm" : "none");
                byte[] check = CHECK_PLAINTEXT.getBytes(StandardCharsets.UTF_8);
                config.put("check", Base64.getEncoder().encodeToString(sealer.seal(check, 0, check.length, "config")));
                try {
                    objects.put(KEY, MAPPER.writeValueAsBytes(config));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                verify(stored.get());
            }
            checked = true;
        }
    }

    private void verify(byte[] stored) {
        JsonNode config;
        try {
            config = MAPPER.readTree(stored);
        } catch (IOException e) {
            throw new SnapshotException(Reason.OBJECT_STORE, "The repository's config is not JSON: "
                    + e.getMessage(), e);
        }
        if (!FORMAT.equals(config.path("format").asText())) {
            throw new SnapshotException(Reason.OBJECT_STORE, "The bucket holds no " + FORMAT + " repository (config"
                    + " format '" + config.path("format").asText() + "')");
        }
        boolean encrypted = "aes-256-gcm".equals(config.path("encryption").asText());
        if (encrypted && !sealer.encrypts()) {
            throw new SnapshotException(Reason.ENCRYPTION, "The repository is encrypted (AES-256-GCM) and this worker"
                    + " has no key: set spillway.snapshot.encryption.key or .key-file");
        }
        if (!encrypted && sealer.encrypts()) {
            throw new SnapshotException(Reason.ENCRYPTION, "The repository is not encrypted, and a repository's"
                    + " encryption cannot be turned on later: use another bucket for encrypted snapshots, or remove"
                    + " spillway.snapshot.encryption.*");
        }
        byte[] check = Base64.getDecoder().decode(config.path("check").asText());
        try {
            if (!CHECK_PLAINTEXT.equals(new String(sealer.open(check, 0, check.length, "config"),
                    StandardCharsets.UTF_8))) {
                throw new SnapshotException(Reason.ENCRYPTION, "The repository's key check does not match");
            }
        } catch (SnapshotException e) {
            if (e.reason() == Reason.ENCRYPTION) {
                throw e;
            }
            throw new SnapshotException(Reason.ENCRYPTION, "The configured encryption key is not this repository's"
                    + " key", e);
        }
    }
}

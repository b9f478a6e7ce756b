package io.spillway.snapshot.repository;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

/**
 * Seals what leaves the site: AES-256-GCM with a fresh random 96-bit nonce per object or blob, stored in front of the
 * ciphertext, and the 128-bit tag after it. The associated data binds a sealed blob to its name (a chunk's hash, an
 * object's kind), so a blob swapped for another under the same key does not open. {@link #none()} passes bytes
 * through, for a store that is trusted or encrypts itself.
 */
public abstract sealed class Sealer {

    /** Bytes a sealed blob has beyond its plaintext. */
    public abstract int overhead();

    /** Whether data is encrypted: recorded in the repository's config, so a reader knows it needs the key. */
    public abstract boolean encrypts();

    /** A sealed copy of the plaintext, in an array of its own (an index, a manifest). */
    public final byte[] seal(byte[] plain, int offset, int length, String associated) {
        byte[] sealed = new byte[length + overhead()];
        System.arraycopy(plain, offset, sealed, prefix(), length);
        sealInPlace(sealed, 0, length, associated);
        return sealed;
    }

    /** Bytes a sealed blob has in front of its plaintext (the nonce). */
    public abstract int prefix();

    /**
     * Seals in place: the plaintext is at {@code buffer[offset + prefix(), + length)}, and the sealed blob takes its
     * place at {@code buffer[offset, + length + overhead())}. A pack is filled with plaintext and sealed where it
     * lies, instead of each chunk being copied into a sealed array and that into the pack.
     */
    public abstract void sealInPlace(byte[] buffer, int offset, int length, String associated);

    /**
     * @throws SnapshotException {@link Reason#CHUNK_CORRUPT} when the bytes do not open under this key: damaged,
     *         swapped or sealed with another key
     */
    public final byte[] open(byte[] sealed, int offset, int length, String associated) {
        byte[] plain = new byte[Math.max(0, length - overhead())];
        int opened = open(sealed, offset, length, associated, plain);
        return opened == plain.length ? plain : Arrays.copyOf(plain, opened);
    }

    /**
     * Opens into {@code plain} from its start, which holds at least {@code length - overhead()} bytes: a restore
     * opens every chunk into one buffer instead of allocating a megabyte per chunk.
     *
     * @return the plaintext's length
     * @throws SnapshotException {@link Reason#CHUNK_CORRUPT} when the bytes do not open under this key: damaged,
     *         swapped or sealed with another key
     */
    public abstract int open(byte[] sealed, int offset, int length, String associated, byte[] plain);

    public static Sealer none() {
        return Plain.INSTANCE;
    }

    /** @param key 32 bytes */
    public static Sealer aes256Gcm(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("An AES-256 key has 32 bytes, not " + key.length);
        }
        return new AesGcm(key);
    }

    private static final class Plain extends Sealer {
        static final Plain INSTANCE = new Plain();

        @Override
        public int overhead() {
            return 0;
        }

        @Override
        public boolean encrypts() {
            return false;
        }

        @Override
        public int prefix() {
            return 0;
        }

        @Override
        public void sealInPlace(byte[] buffer, int offset, int length, String associated) {
            // Plain bytes are their own sealed form.
        }

        @Override
        public int open(byte[] sealed, int offset, int length, String associated, byte[] plain) {
            System.arraycopy(sealed, offset, plain, 0, length);
            return length;
        }
    }

    private static final class AesGcm extends Sealer {
        private static final int NONCE = 12;
        private static final int TAG_BITS = 128;
        private static final SecureRandom RANDOM = new SecureRandom();
        /** Below the JDK's 64 KiB split: the path small files' chunks take. */
        private static final int SMALL_WARM_UP_BLOB = 2048;
        /** Above it: the path a large file's chunks (about 1 MiB) take, through other methods. */
        private static final int LARGE_WARM_UP_BLOB = 96 * 1024;
        private static final int WARM_UP_ROUNDS = 20_000;
        /** A chunk's name is its SHA-256 in hex: 64 bytes of associated data, where "index" has 5. */
        private static final String WARM_UP_HASH = "0".repeat(64);
        /** Every this many rounds, a large blob: often enough for C2 to compile both paths, rare enough to be cheap. */
        private static final int LARGE_EVERY = 16;
        /** Compiled code is the JVM's, whatever the key: one warm-up per process, not one per sealer. */
        private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

        private final SecretKeySpec key;
        /**
         * One cipher per thread, kept: {@code Cipher.init} with the same key skips the AES key expansion, which
         * otherwise costs more than sealing a small file's chunk.
         */
        private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(AesGcm::newCipher);

        AesGcm(byte[] key) {
            this.key = new SecretKeySpec(key.clone(), "AES");
            if (WARMED_UP.compareAndSet(false, true)) {
                warmUp();
            }
        }

        /**
         * The JDK's AES-GCM runs at 40 to 80 MB/s until C2 compiles its callers with the GHASH and AES-CTR
         * intrinsics (then about 2 GB/s here), and compilation counts calls, not bytes: sealing 16 MiB packs, a
         * worker would chunk a gigabyte before encryption got fast, and a restore would decrypt its first gigabyte
         * slowly. So a background thread seals and opens blobs while the worker starts, about a second of one core.
         *
         * <p>
         * Both sizes matter. The JDK splits data over 64 KiB into pieces through other methods
         * ({@code GaloisCounterMode.TRIGGERLEN}); warmed with small blobs only, C2 compiled the callers for small
         * data alone, and the first large chunk of the first restore threw that code away (deoptimization). Its
         * recompilation then waited behind the thousands of methods the restore itself brought to the JIT: the
         * first six seconds of the first restore decrypted at interpreter speed. The same happened for lengths that
         * end inside a block and for associated data of another length. So the warm-up mixes sizes, lengths and
         * associated data like the repository's from its first round, and the code C2 compiles expects them all.
         */
        private static void warmUp() {
            Thread warmUp = new Thread(() -> {
                byte[] throwaway = new byte[32];
                RANDOM.nextBytes(throwaway);
                AesGcm sealer = new AesGcm(new SecretKeySpec(throwaway, "AES"));
                byte[] buffer = new byte[LARGE_WARM_UP_BLOB + 16 + sealer.overhead()];
                byte[] opened = new byte[buffer.length];
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    // Lengths that end in every part of a block, as chunks do: a whole last block only, and C2
                    // compiles a trap where the partial one is handled.
                    int size = (i % LARGE_EVERY == 0 ? LARGE_WARM_UP_BLOB : SMALL_WARM_UP_BLOB) + i % 17;
                    // Associated data as the repository's: a chunk's hash, or an object's kind.
                    sealAndOpen(sealer, buffer, size, i % 8 == 1 ? "index" : WARM_UP_HASH, opened);
                }
            }, "aes-gcm-warm-up");
            warmUp.setDaemon(true);
            warmUp.setPriority(Thread.MIN_PRIORITY);
            warmUp.start();
        }

        /** The calls a pack upload and a restore make: seal in place, open into another buffer. */
        private static void sealAndOpen(AesGcm sealer, byte[] buffer, int length, String associated,
                byte[] opened) {
            sealer.sealInPlace(buffer, 0, length, associated);
            sealer.open(buffer, 0, length + sealer.overhead(), associated, opened);
        }

        /** A sealer that does not start a warm-up: the warm-up's own. */
        private AesGcm(SecretKeySpec key) {
            this.key = key;
        }

        private static Cipher newCipher() {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is part of every Java platform", e);
            }
        }

        @Override
        public int overhead() {
            return NONCE + TAG_BITS / 8;
        }

        @Override
        public boolean encrypts() {
            return true;
        }

        @Override
        public int prefix() {
            return NONCE;
        }

        @Override
        public void sealInPlace(byte[] buffer, int offset, int length, String associated) {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            System.arraycopy(nonce, 0, buffer, offset, NONCE);
            try {
                Cipher cipher = ciphers.get();
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
                // Same array, same offset: GCM encrypts in place, and appends the tag after the ciphertext.
                cipher.doFinal(buffer, offset + NONCE, length, buffer, offset + NONCE);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is part of every Java platform", e);
            }
        }

        @Override
        public int open(byte[] sealed, int offset, int length, String associated, byte[] plain) {
            if (length < overhead()) {
                throw new SnapshotException(Reason.CHUNK_CORRUPT, "Sealed data of '" + associated + "' is "
                        + length + " bytes, shorter than nonce and tag");
            }
            try {
                Cipher cipher = ciphers.get();
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, NONCE));
                cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
                return cipher.doFinal(sealed, offset + NONCE, length - NONCE, plain, 0);
            } catch (AEADBadTagException e) {
                throw new SnapshotException(Reason.CHUNK_CORRUPT, "'" + associated
                        + "' does not decrypt: damaged, or sealed with another key", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is part of every Java platform", e);
            }
        }
    }
}

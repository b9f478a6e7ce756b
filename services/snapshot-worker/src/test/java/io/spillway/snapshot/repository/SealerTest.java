package io.spillway.snapshot.repository;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SealerTest {

    private static final byte[] KEY = bytes(32, 1);
    private final Sealer aes = Sealer.aes256Gcm(KEY);

    @Test
    void sealsInPlaceInsideALargerBufferWithoutTouchingItsNeighbours() {
        for (Sealer sealer : new Sealer[] { aes, Sealer.none() }) {
            byte[] plain = bytes(5000, 2);
            byte[] pack = new byte[100 + plain.length + sealer.overhead() + 100];
            Arrays.fill(pack, (byte) 7);
            System.arraycopy(plain, 0, pack, 100 + sealer.prefix(), plain.length);

            sealer.sealInPlace(pack, 100, plain.length, "chunk-a");

            for (int i : new int[] { 0, 99, pack.length - 100, pack.length - 1 }) {
                assertEquals(7, pack[i], "byte " + i + " beside the sealed blob");
            }
            byte[] opened = new byte[plain.length + 10];
            assertEquals(plain.length, sealer.open(pack, 100, plain.length + sealer.overhead(), "chunk-a", opened));
            assertArrayEquals(plain, Arrays.copyOf(opened, plain.length));
            assertArrayEquals(plain, sealer.open(sealer.seal(plain, 0, plain.length, "chunk-a"), 0,
                    plain.length + sealer.overhead(), "chunk-a"));
        }
    }

    @Test
    void anEncryptedBlobHoldsNoPlaintextAndOpensOnlyUnderItsNameAndUndamaged() {
        byte[] plain = new byte[4096]; // zeros: any run of them would show in the ciphertext
        byte[] sealed = aes.seal(plain, 0, plain.length, "chunk-a");

        assertEquals(plain.length + 28, sealed.length);
        assertFalse(containsRun(sealed, 16), "no 16 zero bytes in a row");
        assertEquals(Reason.CHUNK_CORRUPT, assertThrows(SnapshotException.class,
                () -> aes.open(sealed, 0, sealed.length, "chunk-b")).reason());
        byte[] damaged = sealed.clone();
        damaged[40] ^= 1;
        assertEquals(Reason.CHUNK_CORRUPT, assertThrows(SnapshotException.class,
                () -> aes.open(damaged, 0, damaged.length, "chunk-a", new byte[plain.length])).reason());
        assertEquals(Reason.CHUNK_CORRUPT, assertThrows(SnapshotException.class,
                () -> aes.open(sealed, 0, 20, "chunk-a")).reason());
        assertArrayEquals(plain, aes.open(sealed, 0, sealed.length, "chunk-a"));
    }

    private static boolean containsRun(byte[] data, int length) {
        int run = 0;
        for (byte b : data) {
            run = b == 0 ? run + 1 : 0;
            if (run >= length) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}

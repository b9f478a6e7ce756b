package io.spillway.snapshot.repository;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.spillway.snapshot.domain.SnapshotException;
import io.spillway.snapshot.domain.SnapshotException.Reason;
import io.spillway.snapshot.domain.SnapshotLayout;

/**
 * Packs chunks into objects of about the pack size and uploads them on a small pool while the caller keeps chunking;
 * {@link #flush()} waits for them and writes their index. A crash before the index leaves packs nobody names: later
 * snapshots upload those chunks again, and garbage collection removes the orphans.
 */
final class PackWriter {

    private final ObjectStore objects;
    private final Sealer sealer;
    private final PackIndex index;
    private final int packSize;
    private final ExecutorService uploads;
    /** Bounds the packs held in memory: the one being filled plus those uploading. */
    private final Semaphore packSlots;

    /** Guarded by the index's monitor, like the chunks they hold. */
    private PackBuilder open;
    private int uploading;
    private SnapshotException uploadFailure;

    PackWriter(ObjectStore objects, Sealer sealer, PackIndex index, int packSize, int uploadThreads) {
        this.objects = objects;
        this.sealer = sealer;
        this.index = index;
        this.packSize = packSize;
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "pack-upload-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.uploads = Executors.newFixedThreadPool(uploadThreads, factory);
        this.packSlots = new Semaphore(uploadThreads + 1);
        this.open = newPack();
    }

    int packSize() {
        return packSize;
    }

    /** An empty pack of this repository's size. */
    PackBuilder newPack() {
        return new PackBuilder(packSize, sealer);
    }

    /** Stops the upload threads; a flush should come first. */
    void close() {
        uploads.shutdownNow();
    }

    /** Packs a chunk unless it is stored or pending already; a full pack goes to the upload pool. */
    void put(String sha256, byte[] data, int length) {
        PackBuilder full = null;
        synchronized (index) {
            if (!index.claim(sha256)) {
                return;
            }
            // Sealed later, on the upload thread: the caller's thread is busy enough chunking and hashing.
            open.addPlain(sha256, data, length);
            if (open.size() >= packSize) {
                full = open;
                open = newPack();
                uploading++;
            }
        }
        if (full != null) {
            upload(full);
        }
    }

    /** Uploads the pack being filled, waits for every upload, and writes the index of their chunks. */
    void flush() {
        PackBuilder last = null;
        synchronized (index) {
            if (open.size() > 0) {
                last = open;
                open = newPack();
                uploading++;
            }
        }
        if (last != null) {
            upload(last);
        }
        Map<String, BlobLocation> toIndex;
        synchronized (index) {
            awaitUploads();
            if (uploadFailure != null) {
                SnapshotException failure = uploadFailure;
                uploadFailure = null;
                throw failure;
            }
            toIndex = index.unindexed();
        }
        if (toIndex.isEmpty()) {
            return;
        }
        String key = index.write(toIndex);
        index.indexed(toIndex, key);
    }

    /** Waits, holding the index's monitor, until no pack is uploading. */
    private void awaitUploads() {
        while (uploading > 0) {
            try {
                index.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SnapshotException(Reason.OBJECT_STORE, "Interrupted while packs were uploading", e);
            }
        }
    }

    /**
     * Drops what an earlier snapshot left unindexed: it failed after some of its packs went up (or while they were
     * uploading) and before their index was written. Those packs are orphans, like a crashed worker's, and another
     * worker's garbage collection deletes them once older than its grace without asking this one; trusting them
     * later would let a manifest name chunks whose pack is gone. Waits for uploads still running, so none lands
     * afterwards. Only between snapshots: it discards what is being packed.
     */
    void discardUnindexed() {
        synchronized (index) {
            awaitUploads();
            open = newPack();
            uploadFailure = null;
            index.forgetUnindexed();
        }
    }

    private void upload(PackBuilder pack) {
        try {
            packSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(pack, new SnapshotException(Reason.OBJECT_STORE, "Interrupted before a pack upload", e));
            return;
        }
        try {
            uploads.execute(() -> {
                try {
                    Map<String, BlobLocation> stored = store(pack);
                    synchronized (index) {
                        index.uploaded(stored, pack.hashes());
                        uploading--;
                        index.notifyAll();
                    }
                } catch (RuntimeException e) {
                    failed(pack, e instanceof SnapshotException snapshot ? snapshot
                            : new SnapshotException(Reason.OBJECT_STORE, "Pack upload failed: " + e.getMessage(), e));
                } finally {
                    packSlots.release();
                }
            });
        } catch (RuntimeException e) {
            packSlots.release();
            failed(pack, new SnapshotException(Reason.OBJECT_STORE, "Pack upload refused: " + e.getMessage(), e));
        }
    }

    private void failed(PackBuilder pack, SnapshotException failure) {
        synchronized (index) {
            index.notUploaded(pack.hashes());
            if (uploadFailure == null) {
                uploadFailure = failure;
            }
            uploading--;
            index.notifyAll();
        }
    }

    /** Seals what the pack holds unsealed, uploads it, and says where each chunk is. */
    Map<String, BlobLocation> store(PackBuilder pack) {
        String key = SnapshotLayout.packKey(UUID.randomUUID().toString().replace("-", ""));
        Map<String, BlobLocation> located = new LinkedHashMap<>();
        for (PackBuilder.Slice slice : pack.slices()) {
            if (!slice.sealed()) {
                pack.seal(slice);
            }
            located.put(slice.hash(), new BlobLocation(key, slice.offset(), slice.length(), slice.plainLength()));
        }
        objects.put(key, pack.bytes(), 0, pack.size());
        return located;
    }
}

package io.spillway.intake.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * What a snapshot and a restore of the read model both record: where and for whom the work runs, how far it has
 * got, and how it ended (see {@code V5__snapshots_and_restores.sql}).
 */
@MappedSuperclass
abstract class StorageWorkEntity {

    @Id
    String id;
    String site;
    String filesystem;
    String state;
    String locator;
    Long files;
    Long bytes;
    @Column(name = "duration_ms")
    Long durationMs;
    @Column(name = "files_done")
    Long filesDone;
    @Column(name = "files_total")
    Long filesTotal;
    @Column(name = "bytes_done")
    Long bytesDone;
    @Column(name = "bytes_total")
    Long bytesTotal;
    String reason;
    @Column(name = "burst_id")
    String burstId;
    @Column(name = "requested_by")
    String requestedBy;
    String traceparent;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "updated_at")
    OffsetDateTime updatedAt;

    /** The progress a worker last reported. */
    void progress(long filesDone, long filesTotal, long bytesDone, long bytesTotal) {
        this.filesDone = filesDone;
        this.filesTotal = filesTotal;
        this.bytesDone = bytesDone;
        this.bytesTotal = bytesTotal;
    }
}

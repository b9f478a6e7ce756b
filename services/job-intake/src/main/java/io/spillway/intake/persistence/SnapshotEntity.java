package io.spillway.intake.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the snapshots read model (see {@code V5__snapshots_and_restores.sql}). */
@Entity
@Table(name = "snapshots")
public class SnapshotEntity {

    @Id
    String id;
    String site;
    String filesystem;
    String path;
    String state;
    String locator;
    Long files;
    Long bytes;
    @Column(name = "bytes_scanned")
    Long bytesScanned;
    @Column(name = "bytes_uploaded")
    Long bytesUploaded;
    @Column(name = "chunks_new")
    Long chunksNew;
    @Column(name = "chunks_reused")
    Long chunksReused;
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
}

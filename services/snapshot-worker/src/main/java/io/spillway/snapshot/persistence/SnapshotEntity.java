package io.spillway.snapshot.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/**
 * A row of the catalogue, table {@code snapshots} (see {@code V1__snapshots.sql}, {@code V2__retention.sql}). Read
 * through Hibernate; written only by {@link SnapshotCatalogue}'s native upserts and updates, whose conditions
 * (replace a failure, never an upload) an entity's plain insert or update could not say.
 */
@Entity
@Immutable
@Table(name = "snapshots")
public class SnapshotEntity {

    @Id
    @Column(name = "snapshot_id")
    String snapshotId;
    String site;
    String filesystem;
    String path;
    @Column(name = "burst_id")
    String burstId;
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
    String reason;
    String traceparent;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "updated_at")
    OffsetDateTime updatedAt;
    @Column(name = "deleted_at")
    OffsetDateTime deletedAt;
    @Column(name = "delete_reason")
    String deleteReason;
}

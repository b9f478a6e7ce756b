package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the restores read model (see {@code V5__snapshots_and_restores.sql}). */
@Entity
@Table(name = "restores")
public class RestoreEntity {

    @Id
    String id;
    @Column(name = "snapshot_id")
    String snapshotId;
    String locator;
    String site;
    String filesystem;
    @Column(name = "priority_paths")
    @Convert(converter = JsonStringList.class)
    List<String> priorityPaths;
    String state;
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
}

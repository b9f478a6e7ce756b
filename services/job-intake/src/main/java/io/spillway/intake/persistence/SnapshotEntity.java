package io.spillway.intake.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A row of the snapshots read model (see {@code V5__snapshots_and_restores.sql}). */
@Entity
@Table(name = "snapshots")
public class SnapshotEntity extends StorageWorkEntity {

    String path;
    @Column(name = "bytes_scanned")
    Long bytesScanned;
    @Column(name = "bytes_uploaded")
    Long bytesUploaded;
    @Column(name = "chunks_new")
    Long chunksNew;
    @Column(name = "chunks_reused")
    Long chunksReused;
}

package io.spillway.intake.persistence;

import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A row of the restores read model (see {@code V5__snapshots_and_restores.sql}). */
@Entity
@Table(name = "restores")
public class RestoreEntity extends StorageWorkEntity {

    @Column(name = "snapshot_id")
    String snapshotId;
    @Column(name = "priority_paths")
    @Convert(converter = JsonStringList.class)
    List<String> priorityPaths;
}

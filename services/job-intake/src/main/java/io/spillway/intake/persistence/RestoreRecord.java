package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A restore as the API shows it: which snapshot is written where, how far it got, and how it ended.
 *
 * @param snapshotId the snapshot restored, when known (a restore asked for by locator alone may not name one)
 * @param state REQUESTED, RUNNING, RESTORED or FAILED
 * @param reason why it failed
 */
public record RestoreRecord(
        String id,
        String snapshotId,
        String locator,
        String site,
        String filesystem,
        List<String> priorityPaths,
        String state,
        Long files,
        Long bytes,
        Long durationMs,
        String reason,
        SnapshotRecord.Progress progress,
        String burstId,
        String requestedBy,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {
}

package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.spillway.schemas.JobSpec;

/** A job as job-intake knows it: its spec, its current state and, when asked for, its history. */
public record JobRecord(
        String id,
        String name,
        String project,
        String site,
        String state,
        String pendingReason,
        String node,
        String gpus,
        Integer exitCode,
        String submittedBy,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        JobSpec spec,
        List<HistoryEntry> history) {

    /** One lifecycle event of the job. */
    public record HistoryEntry(String type, OffsetDateTime time, String source, JsonNode data) {
    }
}

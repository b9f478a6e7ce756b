package io.spillway.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the demo reads of one burst of the coordinator's {@code GET /api/v1/bursts/{id}}: its phase, when it opened
 * and ended, and each transfer (the data going out, each job's results coming home) with its bytes and times.
 */
record BurstFacts(String burstId, String phase, String homeSite, String burstSite, Instant openedAt, Instant endedAt,
        int jobsChosen, List<Transfer> data, List<Transfer> results, String failure) {

    BurstFacts {
        data = List.copyOf(data);
        results = List.copyOf(results);
    }

    /** One filesystem (or a job's output) moved between sites: snapshot at one, restore at the other. */
    record Transfer(String filesystem, String jobId, String state, long bytesUploaded, Instant snapshotRequestedAt,
            Instant uploadedAt, Instant restoreRequestedAt, Instant restoredAt, String failure) {
    }

    boolean released() {
        return "RELEASED".equals(phase);
    }

    boolean over() {
        return "RELEASED".equals(phase) || "FAILED".equals(phase);
    }

    static BurstFacts from(JsonNode burst) {
        List<Transfer> data = new ArrayList<>();
        List<Transfer> results = new ArrayList<>();
        for (JsonNode transfer : burst.path("transfers")) {
            (transfer.hasNonNull("jobId") ? results : data).add(transfer(transfer));
        }
        // Results may also be listed under each job.
        for (JsonNode job : burst.path("jobs")) {
            for (JsonNode transfer : job.path("results")) {
                if (transfer.isObject()) {
                    Transfer read = transfer(transfer);
                    results.add(read.jobId() != null ? read
                            : new Transfer(read.filesystem(), job.path("jobId").asText(null), read.state(),
                                    read.bytesUploaded(), read.snapshotRequestedAt(), read.uploadedAt(),
                                    read.restoreRequestedAt(), read.restoredAt(), read.failure()));
                }
            }
        }
        return new BurstFacts(text(burst, "burstId", "id"), text(burst, "phase", "state"), text(burst, "homeSite"),
                text(burst, "burstSite"), time(burst, "openedAt"), time(burst, "endedAt", "releasedAt", "closedAt"),
                burst.path("jobs").size(), data, results, text(burst, "failureReason", "failure", "reason"));
    }

    private static Transfer transfer(JsonNode transfer) {
        return new Transfer(text(transfer, "filesystem"), text(transfer, "jobId"), text(transfer, "state"),
                transfer.path("bytesUploaded").asLong(0),
                time(transfer, "snapshotRequestedAt", "requestedAt"),
                time(transfer, "uploadedAt", "snapshotUploadedAt"),
                time(transfer, "restoreRequestedAt"),
                time(transfer, "restoredAt", "readyAt"),
                text(transfer, "failure", "failureReason", "reason"));
    }

    private static String text(JsonNode node, String... names) {
        for (String name : names) {
            if (node.hasNonNull(name)) {
                return node.get(name).asText();
            }
        }
        return null;
    }

    private static Instant time(JsonNode node, String... names) {
        return DemoJob.instant(text(node, names));
    }
}

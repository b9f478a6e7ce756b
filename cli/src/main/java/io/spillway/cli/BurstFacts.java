package io.spillway.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the demo reads of one burst of the coordinator's {@code GET /api/v1/bursts/{id}}: its phase, when it opened
 * and ended, when its data was first usable at the burst site, and each transfer (the data going out, each job's results coming
 * home) with its bytes and times.
 */
record BurstFacts(String burstId, String phase, String homeSite, String burstSite, Instant openedAt, Instant endedAt,
        int jobsChosen, int jobsRun, int jobsStayedHome, List<Transfer> data, List<Transfer> results, String failure,
        Instant readyAt) {

    BurstFacts {
        data = List.copyOf(data);
        results = List.copyOf(results);
    }

    /** A burst whose data readiness is not known (not yet ready, or not told). */
    BurstFacts(String burstId, String phase, String homeSite, String burstSite, Instant openedAt, Instant endedAt,
            int jobsChosen, int jobsRun, int jobsStayedHome, List<Transfer> data, List<Transfer> results,
            String failure) {
        this(burstId, phase, homeSite, burstSite, openedAt, endedAt, jobsChosen, jobsRun, jobsStayedHome, data, results,
                failure, null);
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

    /**
     * Reads the coordinator's view: {@code transfers} are the data taken out, each job's {@code resultTransfers} its
     * output coming home; {@code totals} what travelled.
     */
    static BurstFacts from(JsonNode burst) {
        List<Transfer> data = new ArrayList<>();
        for (JsonNode transfer : burst.path("transfers")) {
            data.add(transfer(transfer, null));
        }
        List<Transfer> results = new ArrayList<>();
        for (JsonNode job : burst.path("jobs")) {
            for (JsonNode transfer : job.path("resultTransfers")) {
                results.add(transfer(transfer, text(job, "jobId")));
            }
        }
        JsonNode totals = burst.path("totals");
        int stayedHome = 0;
        for (JsonNode job : burst.path("jobs")) {
            stayedHome += "STAYED_HOME".equals(text(job, "state")) ? 1 : 0;
        }
        return new BurstFacts(text(burst, "burstId"), text(burst, "phase"), text(burst, "homeSite"),
                text(burst, "burstSite"), time(burst, "openedAt"), time(burst, "endedAt"), burst.path("jobs").size(),
                totals.path("jobsRun").asInt(0), stayedHome, data, results, text(burst, "failureReason"),
                time(burst, "readyAt"));
    }

    private static Transfer transfer(JsonNode transfer, String jobId) {
        return new Transfer(text(transfer, "filesystem"), jobId, text(transfer, "state"),
                transfer.path("bytesUploaded").asLong(0), time(transfer, "snapshotRequestedAt"),
                time(transfer, "snapshotUploadedAt"), time(transfer, "restoreRequestedAt"),
                time(transfer, "restoreEndedAt"), text(transfer, "failure"));
    }

    private static String text(JsonNode node, String name) {
        return node.hasNonNull(name) ? node.get(name).asText() : null;
    }

    private static Instant time(JsonNode node, String name) {
        return DemoJob.instant(text(node, name));
    }
}

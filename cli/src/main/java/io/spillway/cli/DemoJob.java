package io.spillway.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One job of the demo as job-intake's history tells it: where it ran, whether it was rerouted, and when each step
 * happened.
 *
 * @param sites every site the job started at, in order; more than one, or a site twice, means it ran more than once
 * @param reroutes how many {@code JobRerouted} events its history holds that its home site did not decline (one per
 *        burst that moved it)
 * @param failure the reason of its last {@code JobFailed}, or {@code null}
 */
record DemoJob(String id, String name, String state, String site, String burstId, int reroutes, List<String> sites,
        Instant submittedAt, Instant reroutedAt, Instant startedAt, Instant endedAt, String failure) {

    DemoJob {
        sites = List.copyOf(sites);
    }

    /** Reads a job of {@code GET /api/v1/jobs/{id}}, history included. */
    static DemoJob from(JsonNode job) {
        Instant submitted = null;
        Instant started = null;
        Instant ended = null;
        String failure = null;
        // The reroutes that stood, oldest first: a reroute its home site declined did not move the job.
        List<Reroute> reroutes = new ArrayList<>();
        List<String> sites = new ArrayList<>();
        for (JsonNode entry : job.path("history")) {
            Instant time = instant(entry.path("time").asText(null));
            JsonNode data = entry.path("data");
            switch (eventName(entry.path("type").asText())) {
                case "JobSubmitted" -> submitted = time;
                case "JobRerouted" -> reroutes.add(new Reroute(data.path("burstId").asText(null), time));
                case "JobRerouteDeclined" -> {
                    String declined = data.path("burstId").asText(null);
                    for (int i = reroutes.size() - 1; i >= 0; i--) {
                        if (Objects.equals(reroutes.get(i).burstId(), declined)) {
                            reroutes.remove(i);
                            break;
                        }
                    }
                }
                case "JobStarted" -> {
                    started = time;
                    sites.add(data.path("site").asText("?"));
                }
                case "JobCompleted" -> ended = time;
                case "JobFailed" -> {
                    ended = time;
                    failure = data.path("reason").asText(null);
                }
                default -> {
                }
            }
        }
        Reroute last = reroutes.isEmpty() ? null : reroutes.get(reroutes.size() - 1);
        return new DemoJob(job.path("id").asText(), job.path("name").asText(), job.path("state").asText(),
                job.path("site").asText(null), last == null ? null : last.burstId(), reroutes.size(), sites,
                submitted, last == null ? null : last.time(), started, ended, failure);
    }

    private record Reroute(String burstId, Instant time) {
    }

    boolean rerouted() {
        return reroutes > 0;
    }

    /** The site its run started at (the last one, should it have started twice); {@code null} if it never started. */
    String ranAt() {
        return sites.isEmpty() ? null : sites.get(sites.size() - 1);
    }

    /** Whether it ran at a site other than {@code homeSite}, so that its result comes home through its burst. */
    boolean ranAwayFrom(String homeSite) {
        return ranAt() != null && !ranAt().equals(homeSite);
    }

    /**
     * Where its result belongs in the home site's results filesystem, relative to it: the directory its burst brings
     * it home to when it ran at the burst site, else its own directory. Decided by where it ran, not by whether a
     * reroute of it was asked: a reroute that crossed its start at home leaves a {@code JobRerouted} in its history
     * (declined, or not yet answered when the demo reads it) while it runs and writes its result at home.
     */
    String resultDirectory(String homeSite) {
        return ranAwayFrom(homeSite) ? ".spillway-bursts/" + burstId + "/" + id : name;
    }

    boolean succeeded() {
        return "SUCCEEDED".equals(state);
    }

    boolean ended() {
        return Jobs.isFinal(state);
    }

    /** {@code io.spillway.JobRerouted.v1} → {@code JobRerouted}. */
    static String eventName(String ceType) {
        String name = ceType.startsWith("io.spillway.") ? ceType.substring("io.spillway.".length()) : ceType;
        int version = name.lastIndexOf(".v");
        return version > 0 ? name.substring(0, version) : name;
    }

    static Instant instant(String text) {
        if (text == null || text.isBlank() || "null".equals(text)) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.parse(text);
        }
    }
}

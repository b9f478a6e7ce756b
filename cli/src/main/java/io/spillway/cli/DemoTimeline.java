package io.spillway.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/** The demo's story in phases, each with when it began, how long it took and the bytes it moved. */
final class DemoTimeline {

    /** One phase: {@code bytes} is {@code null} where none moved. */
    record Step(String phase, Instant start, Instant end, Long bytes, String detail) {
    }

    private DemoTimeline() {
    }

    /** The phases that happened, in the order they began; a phase with no time known is left out. */
    static List<Step> steps(List<DemoJob> jobs, BurstFacts burst, String homeSite) {
        List<Step> steps = new ArrayList<>();
        add(steps, "submit", first(jobs, DemoJob::submittedAt), last(jobs, DemoJob::submittedAt), null,
                jobs.size() + " jobs submitted at " + homeSite);
        if (burst != null) {
            String burstSite = burst.burstSite() == null ? "the burst site" : burst.burstSite();
            add(steps, "queue overflow", burst.openedAt(), burst.openedAt(), null,
                    "more jobs waiting at " + homeSite + " than its threshold: burst " + Jobs.shortId(burst.burstId())
                            + " opened, " + burst.jobsChosen() + " jobs chosen for " + burstSite);
            for (BurstFacts.Transfer data : burst.data()) {
                add(steps, "snapshot", data.snapshotRequestedAt(), data.uploadedAt(), data.bytesUploaded(),
                        data.filesystem() + " at " + homeSite + " to the object store");
                add(steps, "restore", data.restoreRequestedAt(), data.restoredAt(), null,
                        data.filesystem() + " at " + burstSite);
            }
        }
        List<DemoJob> moved = jobs.stream().filter(DemoJob::rerouted).toList();
        if (!moved.isEmpty()) {
            String to = burst != null && burst.burstSite() != null ? burst.burstSite() : moved.get(0).site();
            add(steps, "reroute", first(moved, DemoJob::reroutedAt), last(moved, DemoJob::reroutedAt), null,
                    moved.size() + " jobs rerouted " + homeSite + " -> " + to + (burst == null
                            || burst.jobsStayedHome() == 0 ? ""
                                    : " (" + burst.jobsStayedHome() + " chosen got a GPU at " + homeSite
                                            + " first and stayed home)"));
            add(steps, "run at " + to, first(moved, DemoJob::startedAt), last(moved, DemoJob::endedAt), null,
                    moved.stream().filter(DemoJob::succeeded).count() + "/" + moved.size() + " succeeded there");
        }
        List<DemoJob> home = jobs.stream().filter(job -> !job.rerouted()).toList();
        if (!home.isEmpty()) {
            add(steps, "run at " + homeSite, first(home, DemoJob::startedAt), last(home, DemoJob::endedAt), null,
                    home.stream().filter(DemoJob::succeeded).count() + "/" + home.size() + " succeeded there");
        }
        if (burst != null) {
            List<BurstFacts.Transfer> results = burst.results();
            if (!results.isEmpty()) {
                long bytes = results.stream().mapToLong(BurstFacts.Transfer::bytesUploaded).sum();
                add(steps, "results home", first(results, BurstFacts.Transfer::snapshotRequestedAt),
                        last(results, BurstFacts.Transfer::restoredAt), bytes,
                        results.stream().filter(t -> t.restoredAt() != null).count() + "/" + results.size()
                                + " job outputs restored into .spillway-bursts/" + burst.burstId());
            }
            if (burst.over()) {
                add(steps, burst.released() ? "release" : "burst failed", burst.endedAt(), burst.endedAt(), null,
                        burst.released() ? "burst " + Jobs.shortId(burst.burstId()) + " released: " + burst.jobsRun()
                                + " jobs ran at " + burst.burstSite()
                                : "burst " + Jobs.shortId(burst.burstId()) + " failed: " + burst.failure());
            }
        }
        steps.sort(Comparator.comparing(Step::start));
        return steps;
    }

    /** The steps as aligned lines: offset from the first, phase, duration, bytes, what happened. */
    static List<String> render(List<Step> steps) {
        List<String> lines = new ArrayList<>();
        if (steps.isEmpty()) {
            return lines;
        }
        Instant origin = steps.get(0).start();
        lines.add(String.format(Locale.ROOT, "  %-9s %-16s %9s %11s  %s", "at", "phase", "took", "bytes", "what"));
        for (Step step : steps) {
            String took = step.end() == null ? "running" : seconds(Duration.between(step.start(), step.end()));
            lines.add(String.format(Locale.ROOT, "  %-9s %-16s %9s %11s  %s",
                    "+" + seconds(Duration.between(origin, step.start())), step.phase(), took,
                    step.bytes() == null ? "" : Snapshots.bytes(step.bytes()), step.detail()));
        }
        return lines;
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }

    private static void add(List<Step> steps, String phase, Instant start, Instant end, Long bytes, String detail) {
        if (start != null) {
            steps.add(new Step(phase, start, end, bytes, detail));
        }
    }

    private static <T> Instant first(List<T> items, Function<T, Instant> time) {
        return times(items, time).min(Comparator.naturalOrder()).orElse(null);
    }

    /** The latest time, or {@code null} when one of them is not known yet: the phase is not over. */
    private static <T> Instant last(List<T> items, Function<T, Instant> time) {
        if (items.stream().map(time).anyMatch(Objects::isNull)) {
            return null;
        }
        return times(items, time).max(Comparator.naturalOrder()).orElse(null);
    }

    private static <T> Stream<Instant> times(List<T> items, Function<T, Instant> time) {
        return items.stream().map(time).filter(Objects::nonNull);
    }
}

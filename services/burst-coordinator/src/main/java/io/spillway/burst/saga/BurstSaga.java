package io.spillway.burst.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The burst saga's decisions, free of I/O: given a burst's state and one input, the new state and the commands to
 * send. The adapters load the state, persist the result and send the commands in one transaction. Every input is
 * idempotent: one that arrives twice, late or for a burst that is over changes nothing and sends nothing.
 *
 * <p>
 * See the module's DESIGN.md, "The saga", for the states, the rules and what the adapters persist.
 */
public final class BurstSaga {

    /** Results come home under this directory of the filesystem they were written to, never over home data. */
    public static final String RESULTS_ROOT = ".spillway-bursts";

    private final SiteChooser chooser;
    private final Map<String, BurstSite> sites = new LinkedHashMap<>();
    private final SagaTimeouts timeouts;
    private final Supplier<String> ids;

    /**
     * @param sites the sites bursts may go to, with their capacity
     * @param recentRestoreWindow how old an earlier burst's restore may be and still make its site preferred
     * @param ids new unique ids, for bursts, snapshots and restores
     */
    public BurstSaga(List<BurstSite> sites, Duration recentRestoreWindow, SagaTimeouts timeouts,
            Supplier<String> ids) {
        this.chooser = new SiteChooser(sites, recentRestoreWindow);
        sites.forEach(site -> this.sites.put(site.name(), site));
        this.timeouts = timeouts;
        this.ids = ids;
    }

    /**
     * A site's queue overflowed: open a burst for it, or extend the one it has.
     *
     * @param current the burst of the signal's home site, if there is one (a closed one is ignored)
     * @param usage what other bursts hold at the burst sites
     */
    public Decision onQueueOverflow(Optional<BurstState> current, QueueOverflow signal, SiteUsage usage,
            Instant now) {
        Optional<BurstState> open = current.filter(BurstState::open);
        if (open.isPresent()) {
            return extend(open.get(), signal, usage, now);
        }
        if (signal.candidates().isEmpty()) {
            return Decision.unchanged(null, "no waiting job at " + signal.site() + " may burst");
        }
        Optional<SiteChoice> choice = chooser.choose(signal.site(), signal.candidates(), usage, now);
        if (choice.isEmpty()) {
            return Decision.unchanged(null, "no burst site has room for any of the " + signal.candidates().size()
                    + " jobs that may burst from " + signal.site());
        }
        List<BurstJob> jobs = choice.get().jobs().stream().map(BurstJob::chosen).toList();
        BurstState state = new BurstState(ids.get(), signal.site(), choice.get().site().name(), Phase.PREPARING,
                signal.traceparent(), 1, false, now, null, null, List.of(), jobs, null, null);
        List<SagaCommand> commands = new ArrayList<>();
        state = requestMissingData(state, now, commands);
        // Jobs that mount nothing need no data: such a burst is ready at once.
        state = advance(state, now, commands);
        return Decision.changed(state, commands);
    }

    /** The home site's queue fell back to its low watermark: the burst may be released once its jobs are done. */
    public Decision onQueueDrained(BurstState state, Instant now) {
        if (!state.open()) {
            return closed(state, "queue drained");
        }
        if (state.queueDrained()) {
            return Decision.unchanged(state, "burst " + state.burstId() + " knows the queue at "
                    + state.homeSite() + " drained already");
        }
        List<SagaCommand> commands = new ArrayList<>();
        BurstState drained = advance(state.withQueueDrained(true), now, commands);
        return Decision.changed(drained, commands);
    }

    /** A snapshot the burst asked for is in the object store: restore it where it has to go. */
    public Decision onSnapshotUploaded(BurstState state, String snapshotId, String locator, long bytesUploaded,
            Instant now) {
        Optional<Located> found = locate(state, transfer -> snapshotId.equals(transfer.snapshotId()));
        if (found.isEmpty()) {
            return Decision.unchanged(state, "snapshot " + snapshotId + " is not one of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "snapshot " + snapshotId + " uploaded");
        }
        Located located = found.get();
        if (located.transfer().state() != TransferState.SNAPSHOTTING) {
            return Decision.unchanged(state, "snapshot " + snapshotId + " is " + located.transfer().state()
                    + " already");
        }
        String restoreId = ids.get();
        Transfer uploaded = located.transfer().uploaded(locator, bytesUploaded, restoreId, now);
        List<SagaCommand> commands = new ArrayList<>();
        if (located.results()) {
            commands.add(new SagaCommand.RequestRestore(state.burstId(), located.jobId(), restoreId, locator,
                    state.homeSite(), uploaded.filesystem(), List.of(), Optional.of(uploaded.target())));
        } else {
            // A subpath is restored where it lives (the manifest names it); only a whole filesystem has paths to
            // bring online first.
            List<String> priority = uploaded.path() == null ? priorityPaths(state, uploaded.filesystem()) : List.of();
            commands.add(new SagaCommand.RequestRestore(state.burstId(), null, restoreId, locator, state.burstSite(),
                    uploaded.filesystem(), priority, Optional.empty()));
        }
        BurstState next = advance(replace(state, located, uploaded), now, commands);
        return Decision.changed(next, commands);
    }

    /** A snapshot the burst asked for could not be taken or uploaded. */
    public Decision onSnapshotFailed(BurstState state, String snapshotId, String reason, Instant now) {
        Optional<Located> found = locate(state, transfer -> snapshotId.equals(transfer.snapshotId()));
        if (found.isEmpty()) {
            return Decision.unchanged(state, "snapshot " + snapshotId + " is not one of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "snapshot " + snapshotId + " failed");
        }
        Located located = found.get();
        if (located.transfer().state() != TransferState.SNAPSHOTTING) {
            return Decision.unchanged(state, "snapshot " + snapshotId + " is " + located.transfer().state()
                    + " already");
        }
        String site = located.results() ? state.burstSite() : state.homeSite();
        return transferFailed(state, located, "snapshot",
                "snapshot of " + located.transfer().label() + " at " + site + " failed: " + reason, now);
    }

    /**
     * A restore reports paths online at its site; with no paths, the whole filesystem is.
     *
     * @param paths the paths online so far (a restore with priority paths reports those first), empty for all
     */
    public Decision onFilesystemReady(BurstState state, String restoreId, List<String> paths, Instant now) {
        if (paths.isEmpty()) {
            return onRestored(state, restoreId, now);
        }
        Optional<Located> found = locate(state, transfer -> restoreId.equals(transfer.restoreId()));
        if (found.isEmpty()) {
            return Decision.unchanged(state, "restore " + restoreId + " is not one of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "paths of restore " + restoreId + " ready");
        }
        Transfer transfer = found.get().transfer();
        if (transfer.state() != TransferState.RESTORING || transfer.readyPaths().containsAll(paths)) {
            return Decision.unchanged(state, "restore " + restoreId + " reported " + paths + " ready already");
        }
        List<SagaCommand> commands = new ArrayList<>();
        BurstState next = advance(replace(state, found.get(), transfer.pathsReady(paths)), now, commands);
        return Decision.changed(next, commands);
    }

    /** A restore the burst asked for is complete and verified. */
    public Decision onRestored(BurstState state, String restoreId, Instant now) {
        Optional<Located> found = locate(state, transfer -> restoreId.equals(transfer.restoreId()));
        if (found.isEmpty()) {
            return Decision.unchanged(state, "restore " + restoreId + " is not one of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "restore " + restoreId + " done");
        }
        Transfer transfer = found.get().transfer();
        if (transfer.state() != TransferState.RESTORING) {
            return Decision.unchanged(state, "restore " + restoreId + " is " + transfer.state() + " already");
        }
        List<SagaCommand> commands = new ArrayList<>();
        BurstState next = advance(replace(state, found.get(), transfer.restored(now)), now, commands);
        return Decision.changed(next, commands);
    }

    /** A restore the burst asked for could not finish. */
    public Decision onRestoreFailed(BurstState state, String restoreId, String reason, Instant now) {
        Optional<Located> found = locate(state, transfer -> restoreId.equals(transfer.restoreId()));
        if (found.isEmpty()) {
            return Decision.unchanged(state, "restore " + restoreId + " is not one of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "restore " + restoreId + " failed");
        }
        Located located = found.get();
        if (located.transfer().state() != TransferState.RESTORING) {
            return Decision.unchanged(state, "restore " + restoreId + " is " + located.transfer().state()
                    + " already");
        }
        String site = located.results() ? state.homeSite() : state.burstSite();
        return transferFailed(state, located, "restore",
                "restore of " + located.transfer().label() + " at " + site + " failed: " + reason, now);
    }

    /** A job of the burst started somewhere. The site it started at is where it runs. */
    public Decision onJobStarted(BurstState state, String jobId, String site, Instant now) {
        Optional<BurstJob> found = state.job(jobId);
        if (found.isEmpty()) {
            return Decision.unchanged(state, "job " + jobId + " is not part of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "job " + jobId + " started");
        }
        BurstJob job = found.get();
        if (site.equals(state.homeSite()) && (job.state() == JobState.CHOSEN || job.state() == JobState.REROUTED)) {
            return stayedHome(state, job, "started at " + site + " before it moved to " + state.burstSite(), now);
        }
        if (site.equals(state.homeSite()) && job.state() == JobState.RETURNING) {
            return moved(state, job.withState(JobState.RETURNED, job.note()), now, null);
        }
        if (site.equals(state.burstSite()) && job.state() != JobState.RUNNING && mayBeAtBurstSite(job)) {
            // A start at the burst site wins over a deadline that fired meanwhile: the burst site refuses to send a
            // started job home, so it runs there, once.
            String note = job.state() == JobState.REROUTED ? null
                    : "started at " + site + " after " + (job.note() == null ? "its deadline" : job.note());
            return moved(state, job.withState(JobState.RUNNING, note), now, null);
        }
        return Decision.unchanged(state, "job " + jobId + " is " + job.state() + "; its start at " + site
                + " changes nothing");
    }

    /** A job of the burst ended somewhere: completed ({@code succeeded}) or failed. */
    public Decision onJobEnded(BurstState state, String jobId, String site, boolean succeeded, Instant now) {
        Optional<BurstJob> found = state.job(jobId);
        if (found.isEmpty()) {
            return Decision.unchanged(state, "job " + jobId + " is not part of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "job " + jobId + " ended");
        }
        BurstJob job = found.get();
        if (site.equals(state.homeSite()) && (job.state() == JobState.CHOSEN || job.state() == JobState.REROUTED)) {
            return stayedHome(state, job, "ended at " + site + " before it moved to " + state.burstSite(), now);
        }
        if (site.equals(state.homeSite()) && job.state() == JobState.RETURNING) {
            return moved(state, job.withState(JobState.RETURNED, job.note()), now, null);
        }
        if (!site.equals(state.burstSite()) || !mayBeAtBurstSite(job)) {
            return Decision.unchanged(state, "job " + jobId + " is " + job.state() + "; its end at " + site
                    + " changes nothing");
        }
        List<SagaCommand> commands = new ArrayList<>();
        List<Transfer> results = new ArrayList<>();
        for (Volume output : job.outputs()) {
            String snapshotId = ids.get();
            results.add(Transfer.requested(output.filesystem(), output.subPath(), resultsTarget(state, job, output),
                    snapshotId, now));
            commands.add(new SagaCommand.RequestSnapshot(state.burstId(), jobId, snapshotId, state.burstSite(),
                    output.filesystem(), output.subPath()));
        }
        BurstJob ended = job.ended(succeeded ? JobState.SUCCEEDED : JobState.FAILED, now, results);
        BurstState next = advance(replaceJob(state, ended), now, commands);
        return Decision.changed(next, commands);
    }

    /** Someone cancelled a job of the burst. */
    public Decision onJobCancelled(BurstState state, String jobId, Instant now) {
        Optional<BurstJob> found = state.job(jobId);
        if (found.isEmpty()) {
            return Decision.unchanged(state, "job " + jobId + " is not part of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "job " + jobId + " cancelled");
        }
        BurstJob job = found.get();
        if (job.state() == JobState.CHOSEN) {
            return stayedHome(state, job, "cancelled before it moved to " + state.burstSite(), now);
        }
        if (job.state().atBurstSite()) {
            // A cancelled job's outputs are whatever it left half-written: nothing worth bringing home.
            BurstJob cancelled = job.ended(JobState.CANCELLED, now, List.of());
            List<SagaCommand> commands = new ArrayList<>();
            BurstState next = advance(replaceJob(state, cancelled), now, commands);
            return Decision.changed(next, commands);
        }
        return Decision.unchanged(state, "job " + jobId + " is " + job.state() + " already");
    }

    /**
     * The home site kept a job the burst rerouted: it was no longer waiting there (started, ended or cancelled, or
     * moved elsewhere), so the burst site never queues it. The job stays home and is not counted as a burst job, even
     * where a cancellation already ended it here.
     */
    public Decision onRerouteDeclined(BurstState state, String jobId, String reason, Instant now) {
        return onRerouteDeclined(state, jobId, state.homeSite(), reason, now);
    }

    /**
     * A site declined to give up a job of the burst. The home site declining a reroute: see
     * {@link #onRerouteDeclined(BurstState, String, String, Instant)}. The burst site declining to send a job back
     * home: the job was no longer waiting there (it was given GPUs or started just as its start deadline passed, or
     * ended or was cancelled there), so it stays there; its start, end or cancellation follows, and its start
     * deadline runs again from now in case it is queued there once more.
     *
     * @param fromSite the site that kept the job
     */
    public Decision onRerouteDeclined(BurstState state, String jobId, String fromSite, String reason, Instant now) {
        if (fromSite.equals(state.burstSite())) {
            return returnDeclined(state, jobId, reason, now);
        }
        Optional<BurstJob> found = state.job(jobId);
        if (found.isEmpty()) {
            return Decision.unchanged(state, "job " + jobId + " is not part of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "the reroute of job " + jobId + " was declined");
        }
        BurstJob job = found.get();
        if (job.state() == JobState.REROUTED || job.state() == JobState.CANCELLED) {
            return stayedHome(state, job, "kept at " + state.homeSite() + ": " + reason, now);
        }
        if (job.state() == JobState.STAYED_HOME && job.awaitsAnswer()) {
            // The answer the burst stopped waiting for: the job never left home, so the burst may end.
            return moved(state, job.answered(), now, "job " + jobId + " was kept at " + state.homeSite() + " ("
                    + reason + "), as the burst believed since its reroute timed out");
        }
        return Decision.unchanged(state, "job " + jobId + " is " + job.state() + "; the decline of its reroute ("
                + reason + ") changes nothing");
    }

    private Decision returnDeclined(BurstState state, String jobId, String reason, Instant now) {
        Optional<BurstJob> found = state.job(jobId);
        if (found.isEmpty()) {
            return Decision.unchanged(state, "job " + jobId + " is not part of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, state.burstSite() + " kept job " + jobId);
        }
        BurstJob job = found.get();
        boolean askedBack = job.state() == JobState.RETURNING
                || job.state() == JobState.RETURNED && job.returnAskedAt() != null;
        if (!askedBack) {
            return Decision.unchanged(state, "job " + jobId + " is " + job.state() + "; " + state.burstSite()
                    + " keeping it (" + reason + ") changes nothing");
        }
        return moved(state, job.queuedAtBurstSite(now), now, "job " + jobId + " stays at " + state.burstSite() + ": "
                + reason);
    }

    /**
     * A site gave up a job of the burst to another: the home site handed it over to the burst site, where it is
     * queued now and its start deadline begins; or the burst site handed it back home, where it ends for the burst.
     * A hand-over to the burst site of a job whose reroute the burst gave up waiting for comes too late: the job is
     * sent back home at once.
     */
    public Decision onJobHandedOver(BurstState state, String jobId, String fromSite, String toSite, Instant now) {
        Optional<BurstJob> found = state.job(jobId);
        if (found.isEmpty()) {
            return Decision.unchanged(state, "job " + jobId + " is not part of burst " + state.burstId());
        }
        if (!state.open()) {
            return closed(state, "job " + jobId + " handed over to " + toSite);
        }
        BurstJob job = found.get();
        if (fromSite.equals(state.homeSite()) && toSite.equals(state.burstSite())) {
            if (job.state() == JobState.REROUTED && job.handedOverAt() == null) {
                return moved(state, job.queuedAtBurstSite(now), now, null);
            }
            if (job.state() == JobState.STAYED_HOME && job.reroutedAt() != null) {
                String why = "handed over to " + toSite + " after the burst stopped waiting for it; sent back to "
                        + fromSite;
                List<SagaCommand> commands = new ArrayList<>();
                commands.add(new SagaCommand.Reroute(state.burstId(), jobId, state.burstSite(), state.homeSite()));
                BurstState next = advance(replaceJob(state, job.returning(now, why)), now, commands);
                return Decision.changed(next, commands, "job " + jobId + " " + why);
            }
        }
        if (fromSite.equals(state.burstSite()) && toSite.equals(state.homeSite())
                && job.state() == JobState.RETURNING) {
            return moved(state, job.withState(JobState.RETURNED, job.note()), now, "job " + jobId + " went back to "
                    + toSite);
        }
        if (fromSite.equals(state.burstSite()) && toSite.equals(state.homeSite())
                && job.state() == JobState.RETURNED && job.awaitsAnswer()) {
            // The answer the burst stopped waiting for: the job is home, as the burst recorded it.
            return moved(state, job.answered(), now, "job " + jobId + " went back to " + toSite + " after the burst"
                    + " stopped waiting for " + fromSite + "'s answer");
        }
        return Decision.unchanged(state, "job " + jobId + " is " + job.state() + "; its hand-over from " + fromSite
                + " to " + toSite + " changes nothing");
    }

    /** Time passed: fail the steps that are overdue. */
    public Decision tick(BurstState state, Instant now) {
        if (!state.open()) {
            return closed(state, "tick");
        }
        BurstState next = state;
        List<SagaCommand> commands = new ArrayList<>();
        List<String> overdue = new ArrayList<>();
        for (Located located : overdue(state, now)) {
            if (!next.open()) {
                break;
            }
            Transfer transfer = located.transfer();
            boolean snapshotting = transfer.state() == TransferState.SNAPSHOTTING;
            String step = snapshotting ? "snapshot" : "restore";
            // Data goes from home to the burst site; results come back the other way.
            String from = located.results() ? state.burstSite() : state.homeSite();
            String to = located.results() ? state.homeSite() : state.burstSite();
            String site = snapshotting ? from : to;
            String reason = step + " of " + transfer.label() + " at " + site + " timed out after "
                    + human(snapshotting ? timeouts.snapshot() : timeouts.restore());
            // Look the transfer up again: an earlier failure in this tick may have changed the state around it.
            Located current = locate(next, candidate -> candidate == transfer).orElse(located);
            Decision decision = transferFailed(next, current, step, reason, now);
            next = decision.state();
            commands.addAll(decision.commands());
            overdue.add(reason);
        }
        if (next.open() && next.phase() == Phase.RUNNING) {
            next = jobsOverdue(next, now, commands, overdue);
        }
        if (overdue.isEmpty()) {
            return Decision.unchanged(state, "nothing of burst " + state.burstId() + " is overdue");
        }
        return Decision.changed(next, commands, String.join("; ", overdue));
    }

    /**
     * The jobs whose step at the burst site ran out of time: a reroute the home site has not answered (the job stays
     * home), a job queued at the burst site that has not started (it is asked back home), a job asked back that the
     * burst site has not answered (the burst stops waiting; the burst site hands it home when it answers). Either of
     * the first two winds the burst down with its reason. The answers not come yet still come, and the burst stays
     * open for them: one may say the job was handed over after all (it is sent back) or started at the burst site.
     */
    private BurstState jobsOverdue(BurstState state, Instant now, List<SagaCommand> commands, List<String> overdue) {
        BurstState next = state;
        for (BurstJob job : state.jobs()) {
            if (job.state() == JobState.REROUTED && job.handedOverAt() == null && timeouts.reroute() != null
                    && !now.isBefore(job.reroutedAt().plus(timeouts.reroute()))) {
                String why = state.homeSite() + " did not answer its reroute to " + state.burstSite() + " within "
                        + human(timeouts.reroute()) + "; it stays queued there";
                next = replaceJob(next, job.answerOverdue(JobState.STAYED_HOME, why, now))
                        .ending("reroute", "the reroute of job " + job.jobId() + ": " + why);
                overdue.add("job " + job.jobId() + ": " + why);
            } else if (job.state() == JobState.REROUTED && job.handedOverAt() != null && timeouts.start() != null
                    && !now.isBefore(job.handedOverAt().plus(timeouts.start()))) {
                String why = "did not start at " + state.burstSite() + " within " + human(timeouts.start())
                        + "; sent back to " + state.homeSite();
                commands.add(new SagaCommand.Reroute(state.burstId(), job.jobId(), state.burstSite(),
                        state.homeSite()));
                next = replaceJob(next, job.returning(now, why)).ending("start", "job " + job.jobId() + " " + why);
                overdue.add("job " + job.jobId() + " " + why);
            } else if (job.state() == JobState.RETURNING && timeouts.reroute() != null
                    && !now.isBefore(job.returnAskedAt().plus(timeouts.reroute()))) {
                String why = job.note() + "; " + state.burstSite() + " did not answer within "
                        + human(timeouts.reroute()) + ", it hands the job home when it does";
                next = replaceJob(next, job.answerOverdue(JobState.RETURNED, why, now));
                overdue.add("job " + job.jobId() + " " + why);
            }
        }
        return next == state ? state : advance(next, now, commands);
    }

    private Decision extend(BurstState state, QueueOverflow signal, SiteUsage usage, Instant now) {
        if (!signal.site().equals(state.homeSite())) {
            throw new IllegalArgumentException("burst " + state.burstId() + " is of " + state.homeSite()
                    + ", not of " + signal.site());
        }
        List<Candidate> fresh = signal.candidates().stream().filter(c -> state.job(c.jobId()).isEmpty()).toList();
        if (state.ending()) {
            return Decision.changed(state.signalled(), List.of(), "burst " + state.burstId() + " is ending ("
                    + state.failureReason() + "); the " + fresh.size() + " new candidates stay queued at "
                    + state.homeSite());
        }
        BurstSite site = Optional.ofNullable(sites.get(state.burstSite()))
                .orElseGet(() -> new BurstSite(state.burstSite(), 0));
        double free = site.gpus() - usage.committedAt(state.burstSite()) - state.gpusCommitted();
        List<Candidate> added = SiteChooser.fit(site, fresh, free);
        List<BurstJob> jobs = new ArrayList<>(state.jobs());
        added.forEach(candidate -> jobs.add(BurstJob.chosen(candidate)));
        List<SagaCommand> commands = new ArrayList<>();
        BurstState next = requestMissingData(state.signalled().withJobs(jobs), now, commands);
        next = advance(next, now, commands);
        List<String> notes = new ArrayList<>();
        List<Candidate> runnable = fresh.stream().filter(site::canRun).toList();
        if (runnable.size() < fresh.size()) {
            notes.add((fresh.size() - runnable.size()) + " of " + fresh.size() + " new candidates cannot run at "
                    + state.burstSite() + " (" + fresh.stream().map(site::whyNot).filter(Objects::nonNull).distinct()
                            .collect(Collectors.joining("; "))
                    + ") and stay queued at " + state.homeSite());
        }
        if (added.size() < runnable.size()) {
            notes.add((runnable.size() - added.size()) + " of " + runnable.size() + " new candidates do not fit the "
                    + Math.max(0, free) + " GPUs left at " + state.burstSite() + " and stay queued at "
                    + state.homeSite());
        }
        String note = notes.isEmpty() ? null : String.join("; ", notes);
        return Decision.changed(next, commands, note);
    }

    /**
     * Asks for the data each waiting job mounts that is not on its way already, job by job in the order they were
     * chosen: a read-only subpath on its own, so the first job waits for its own input and not for the whole
     * filesystem; anything else (a writable volume, whose subpath may not exist yet, or a whole filesystem) with its
     * whole filesystem.
     */
    private BurstState requestMissingData(BurstState state, Instant now, List<SagaCommand> commands) {
        List<Transfer> data = new ArrayList<>(state.data());
        for (BurstJob job : state.jobs()) {
            if (job.state() != JobState.CHOSEN) {
                continue;
            }
            for (Volume volume : job.volumes()) {
                boolean onItsWay = data.stream()
                        .anyMatch(transfer -> transfer.state() != TransferState.FAILED && transfer.covers(volume));
                if (!onItsWay) {
                    String path = volume.readOnly() && !volume.wholeFilesystem() ? volume.subPath() : null;
                    String snapshotId = ids.get();
                    data.add(Transfer.requested(volume.filesystem(), path, null, snapshotId, now));
                    commands.add(new SagaCommand.RequestSnapshot(state.burstId(), null, snapshotId, state.homeSite(),
                            volume.filesystem(), path));
                }
            }
        }
        return state.withData(data);
    }

    /**
     * Moves the burst on as far as its state allows: announce readiness and reroute the jobs whose data is usable,
     * fail a burst that has no job left to move, release one that is done.
     */
    private BurstState advance(BurstState state, Instant now, List<SagaCommand> commands) {
        BurstState prepared = state.phase() == Phase.PREPARING ? announceWhenReady(state, now, commands) : state;
        return prepared.phase() == Phase.RUNNING ? rerouteAndRelease(prepared, now, commands) : prepared;
    }

    /**
     * In the data phase: fails a burst that has no job left, announces one as soon as the data of any waiting job is
     * usable, naming those jobs; the others follow one by one as their data arrives.
     */
    private static BurstState announceWhenReady(BurstState state, Instant now, List<SagaCommand> commands) {
        List<BurstJob> waiting = state.jobs().stream().filter(job -> job.state() == JobState.CHOSEN).toList();
        if (waiting.isEmpty()) {
            String reason = "every chosen job left the queue at " + state.homeSite() + " before its data was "
                    + "ready at " + state.burstSite();
            commands.add(fail(state, "reroute", reason));
            return state.failed("reroute", reason, now);
        }
        List<BurstJob> ready = waiting.stream().filter(job -> usable(state, job)).toList();
        if (ready.isEmpty()) {
            return state;
        }
        commands.add(new SagaCommand.AnnounceReady(state.burstId(), state.homeSite(), state.burstSite(),
                ready.stream().flatMap(job -> job.filesystems().stream()).distinct().toList(),
                ready.stream().map(BurstJob::jobId).toList()));
        return state.with(Phase.RUNNING, state.queueDrained(), now, null, state.data(), state.jobs());
    }

    /**
     * Once running: reroutes each waiting job whose data is usable, releases the burst when it is done. A burst that
     * is ending reroutes nothing more (its waiting jobs stay home) and fails with its reason once its jobs are done.
     */
    private BurstState rerouteAndRelease(BurstState state, Instant now, List<SagaCommand> commands) {
        List<BurstJob> jobs = new ArrayList<>();
        for (BurstJob job : state.jobs()) {
            if (job.state() == JobState.CHOSEN && state.ending()) {
                jobs.add(job.withState(JobState.STAYED_HOME, "the burst is ending: " + state.failureReason()));
            } else if (job.state() == JobState.CHOSEN && usable(state, job)) {
                commands.add(new SagaCommand.Reroute(state.burstId(), job.jobId(), state.homeSite(),
                        state.burstSite(), timeouts.reroute() == null ? null : now.plus(timeouts.reroute())));
                jobs.add(job.rerouted(now));
            } else {
                jobs.add(job);
            }
        }
        BurstState next = state.withJobs(jobs);
        // A job whose move the burst stopped waiting for is settled only by the answer the burst stopped waiting
        // for: until it comes, the job may be queued, starting or running at the burst site without the burst
        // knowing, and a closed burst would neither send it back nor bring its results home.
        boolean done = next.jobs().stream()
                .allMatch(job -> !job.state().active() && job.resultsState().settled() && !job.awaitsAnswer());
        if (next.ending() && done) {
            commands.add(fail(next, next.failedStep(), next.failureReason()));
            return next.failed(next.failedStep(), next.failureReason(), now);
        }
        if (next.queueDrained() && done) {
            commands.add(release(next, now));
            return next.with(Phase.RELEASED, true, next.readyAt(), now, next.data(), next.jobs());
        }
        return next;
    }

    private Decision transferFailed(BurstState state, Located located, String step, String reason, Instant now) {
        BurstState next = replace(state, located, located.transfer().failed(reason, now));
        List<SagaCommand> commands = new ArrayList<>();
        if (!located.results()) {
            if (state.phase() == Phase.PREPARING) {
                // No job has moved: ending the burst leaves every chosen job queued at home as it was.
                commands.add(fail(state, step, reason));
                return Decision.changed(next.failed(step, reason, now), commands);
            }
            // Jobs already at the burst site keep running; those still waiting for this data stay home.
            Transfer failed = located.transfer();
            List<Transfer> others = next.data().stream()
                    .filter(transfer -> transfer.state() != TransferState.FAILED).toList();
            next = next.withJobs(next.jobs().stream()
                    .map(job -> job.state() == JobState.CHOSEN && job.volumes().stream().anyMatch(volume -> failed
                            .covers(volume) && others.stream().noneMatch(transfer -> transfer.covers(volume)))
                                    ? job.withState(JobState.STAYED_HOME, "its data could not be moved: " + reason)
                                    : job)
                    .toList());
        }
        return Decision.changed(advance(next, now, commands), commands, reason);
    }

    /** The job changed where it is: store it and move the burst on. */
    private Decision moved(BurstState state, BurstJob changed, Instant now, String note) {
        List<SagaCommand> commands = new ArrayList<>();
        BurstState next = advance(replaceJob(state, changed), now, commands);
        return Decision.changed(next, commands, note);
    }

    /**
     * Whether facts from the burst site apply to the job: it is queued, starting or running there, or the burst gave
     * up on a reroute or a return of it whose late answer may still have put it there. The site an event names is
     * believed.
     */
    private static boolean mayBeAtBurstSite(BurstJob job) {
        return job.state().atBurstSite() || job.reroutedAt() != null
                && (job.state() == JobState.STAYED_HOME || job.state() == JobState.RETURNED);
    }

    private Decision stayedHome(BurstState state, BurstJob job, String why, Instant now) {
        List<SagaCommand> commands = new ArrayList<>();
        BurstState next = advance(replaceJob(state, job.withState(JobState.STAYED_HOME, why)), now, commands);
        return Decision.changed(next, commands, "job " + job.jobId() + " " + why);
    }

    /** The transfers whose deadline has passed while a job still waits for them, or while results travel home. */
    private List<Located> overdue(BurstState state, Instant now) {
        List<Located> overdue = new ArrayList<>();
        List<BurstJob> waiting = state.jobs().stream().filter(job -> job.state() == JobState.CHOSEN).toList();
        for (Transfer transfer : state.data()) {
            boolean awaited = waiting.stream().anyMatch(job -> job.volumes().stream()
                    .anyMatch(volume -> transfer.covers(volume) && !transfer.serves(volume)));
            if (awaited && pastDeadline(transfer, now)) {
                overdue.add(new Located(null, transfer));
            }
        }
        for (BurstJob job : state.jobs()) {
            job.results().stream().filter(transfer -> pastDeadline(transfer, now))
                    .forEach(transfer -> overdue.add(new Located(job.jobId(), transfer)));
        }
        return overdue;
    }

    private boolean pastDeadline(Transfer transfer, Instant now) {
        return switch (transfer.state()) {
            case SNAPSHOTTING -> !now.isBefore(transfer.snapshotRequestedAt().plus(timeouts.snapshot()));
            case RESTORING -> !now.isBefore(transfer.restoreRequestedAt().plus(timeouts.restore()));
            case RESTORED, FAILED -> false;
        };
    }

    private static boolean usable(BurstState state, BurstJob job) {
        return job.volumes().stream()
                .allMatch(volume -> state.data().stream().anyMatch(transfer -> transfer.serves(volume)));
    }

    /** The subpaths the waiting jobs mount, to bring online first; none when one of them mounts it all. */
    private static List<String> priorityPaths(BurstState state, String filesystem) {
        List<Volume> volumes = state.jobs().stream().filter(job -> job.state() == JobState.CHOSEN)
                .flatMap(job -> job.volumes().stream())
                .filter(volume -> volume.filesystem().equals(filesystem))
                .toList();
        if (volumes.stream().anyMatch(Volume::wholeFilesystem)) {
            return List.of();
        }
        return List.copyOf(new LinkedHashSet<>(volumes.stream().map(Volume::subPath).toList()));
    }

    private static String resultsTarget(BurstState state, BurstJob job, Volume output) {
        String target = RESULTS_ROOT + "/" + state.burstId() + "/" + job.jobId();
        return output.wholeFilesystem() ? target : target + "/" + output.subPath();
    }

    private static SagaCommand.Fail fail(BurstState state, String step, String reason) {
        return new SagaCommand.Fail(state.burstId(), state.homeSite(), state.burstSite(), step, reason);
    }

    private static SagaCommand.Release release(BurstState state, Instant now) {
        List<Transfer> results = state.jobs().stream().flatMap(job -> job.results().stream()).toList();
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put("snapshot", span(state.data(), Transfer::snapshotRequestedAt, Transfer::snapshotUploadedAt));
        phases.put("restore", span(state.data(), Transfer::restoreRequestedAt, Transfer::restoreEndedAt));
        phases.put("run", span(state.jobs().stream().filter(job -> job.state().ranAtBurstSite()).toList(),
                BurstJob::reroutedAt, BurstJob::endedAt));
        phases.put("results", span(results, Transfer::snapshotRequestedAt, Transfer::restoreEndedAt));
        Map<String, String> notHome = new LinkedHashMap<>();
        for (BurstJob job : state.jobs()) {
            if (job.resultsState() == ResultsState.FAILED) {
                notHome.put(job.jobId(), String.join("; ", job.results().stream()
                        .filter(result -> result.state() == TransferState.FAILED).map(Transfer::failure).toList()));
            }
        }
        return new SagaCommand.Release(state.burstId(), state.homeSite(), state.burstSite(),
                (int) state.jobs().stream().filter(job -> job.state().ranAtBurstSite()).count(),
                state.data().stream().mapToLong(Transfer::bytesUploaded).sum(),
                results.stream().mapToLong(Transfer::bytesUploaded).sum(), phases, notHome);
    }

    /** From the earliest start to the latest end among the items, in ms; 0 when the phase never happened. */
    private static <T> long span(List<T> items, Function<T, Instant> start, Function<T, Instant> end) {
        Optional<Instant> first = items.stream().map(start).filter(Objects::nonNull).min(Comparator.naturalOrder());
        Optional<Instant> last = items.stream().map(end).filter(Objects::nonNull).max(Comparator.naturalOrder());
        if (first.isEmpty() || last.isEmpty()) {
            return 0;
        }
        return Math.max(0, Duration.between(first.get(), last.get()).toMillis());
    }

    private static Decision closed(BurstState state, String what) {
        return Decision.unchanged(state, what + ": burst " + state.burstId() + " is " + state.phase()
                + " already; nothing to do");
    }

    /** A transfer, and the job whose results it carries ({@code null} for the data the burst takes out). */
    private record Located(String jobId, Transfer transfer) {

        boolean results() {
            return jobId != null;
        }
    }

    private static Optional<Located> locate(BurstState state, Predicate<Transfer> which) {
        Stream<Located> data = state.data().stream().filter(which).map(transfer -> new Located(null, transfer));
        Stream<Located> results = state.jobs().stream().flatMap(job -> job.results().stream().filter(which)
                .map(transfer -> new Located(job.jobId(), transfer)));
        return Stream.concat(data, results).reduce((first, second) -> second);
    }

    private static BurstState replace(BurstState state, Located located, Transfer changed) {
        if (!located.results()) {
            return state.withData(state.data().stream()
                    .map(transfer -> transfer == located.transfer() ? changed : transfer).toList());
        }
        BurstJob job = state.job(located.jobId()).orElseThrow();
        return replaceJob(state, job.withResults(job.results().stream()
                .map(transfer -> transfer == located.transfer() ? changed : transfer).toList()));
    }

    private static BurstState replaceJob(BurstState state, BurstJob changed) {
        return state.withJobs(state.jobs().stream()
                .map(job -> job.jobId().equals(changed.jobId()) ? changed : job).toList());
    }

    /** A duration as a person writes it: 10m, 1h30m, 45s. */
    static String human(Duration duration) {
        StringBuilder text = new StringBuilder();
        if (duration.toHours() > 0) {
            text.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            text.append(duration.toSecondsPart()).append('s');
        }
        return text.isEmpty() ? duration.toMillis() + "ms" : text.toString();
    }
}

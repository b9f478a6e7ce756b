package io.spillway.scheduler.loop;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.spillway.kit.ServiceIdentity;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.domain.Decider;
import io.spillway.scheduler.domain.Decision;
import io.spillway.scheduler.domain.LeaseLost;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;

/**
 * Drives the site, one pass at a time on the {@link LoopThread} (after each event, each job's end, and on a timer),
 * while this instance leads its site ({@link Leadership}); a standby's passes do nothing. On taking office, orphans of
 * a previous process or leader are recovered before the first pass; then a pass loads its snapshot, decides, commits
 * the decision through a {@link Statement} fenced by the lease term, and only then applies cancellations and
 * preemptions and launches the allocated jobs. On losing office the loop steps down: it forgets its runs without
 * stopping them, for the next leader to adopt. The database is the truth: a restarted loop, or a new leader, reads it
 * back.
 */
@ApplicationScoped
public class SchedulerLoop {

    private static final Logger LOG = Logger.getLogger(SchedulerLoop.class);

    private final SiteStore store;
    private final SnapshotLoader loader;
    private final Decider decider;
    private final RunTracker runs;
    private final LoopThread thread;
    private final Leadership leadership;
    private final Duration passInterval;
    private final String site;
    /**
     * The term this loop took office under (its orphans recovered), or {@code null} while it does not lead; touched
     * only on the loop thread.
     */
    private LeaseTerm ledUnder;

    @Inject
    public SchedulerLoop(SiteStore store, SnapshotLoader loader, RunTracker runs, LoopThread thread,
            Leadership leadership, SchedulerConfig config, ServiceIdentity identity) {
        this(store, loader, decider(config), runs, thread, leadership, config.passInterval(), identity.site());
    }

    SchedulerLoop(SiteStore store, SnapshotLoader loader, Decider decider, RunTracker runs, LoopThread thread,
            Leadership leadership, Duration passInterval, String site) {
        this.store = store;
        this.loader = loader;
        this.decider = decider;
        this.runs = runs;
        this.thread = thread;
        this.leadership = leadership;
        this.passInterval = passInterval;
        this.site = site;
        thread.runPasses(this::pass);
    }

    private static Decider decider(SchedulerConfig config) {
        SchedulerConfig.Queue queue = config.queue();
        return new Decider(new Scheduler(config.maxJobsPerGpu()), queue.threshold(),
                queue.lowWatermark().orElse(queue.threshold() / 2), queue.debounce());
    }

    void start(@Observes StartupEvent event) {
        LOG.infof("Scheduler of site %s: a pass every %s", site, passInterval);
        thread.every(passInterval, this::requestPass);
    }

    void stop(@Observes ShutdownEvent event) {
        thread.shutdown();
        runs.stopAll();
    }

    /** Asks for a scheduling pass soon; requests that arrive while one is queued share it. */
    public void requestPass() {
        thread.requestPass();
    }

    /**
     * Recovers the orphans of a previous process now, on the loop thread, under the term this instance leads under
     * (see {@link RunTracker#recoverOrphans}); fails with {@link LeaseLost} on a standby.
     *
     * @return the ids of the jobs that were not adopted (queued again, or cancelled when that was asked)
     */
    public CompletableFuture<List<String>> recoverOrphans() {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                Optional<LeaseTerm> term = leadership.actingTerm();
                stepDownUnlessLeadingUnder(term);
                done.complete(recover(term.orElseThrow(() -> new LeaseLost("this scheduler instance does not lead"
                        + " site " + site + ", so it has no orphans to recover"))));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * One pass, when this instance leads; a failure anywhere ends it, and the next pass starts over from the database.
     */
    void pass() {
        try {
            Optional<LeaseTerm> term = leadership.actingTerm();
            stepDownUnlessLeadingUnder(term);
            if (term.isEmpty()) {
                return; // a standby: the leader schedules, from the same database
            }
            if (ledUnder == null) {
                recover(term.get());
            }
            decideAndCommit(term.get());
            runs.applyCancellations();
            runs.applyPreemptions();
            runs.launchAllocated();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Scheduling pass at %s failed; the next pass tries again", site);
        }
    }

    /**
     * Leaves office when this instance no longer acts under the term it took office under: its lease lapsed, or it was
     * lost and taken again under a new epoch (someone else may have led meanwhile, so what it followed is stale).
     */
    private void stepDownUnlessLeadingUnder(Optional<LeaseTerm> term) {
        if (ledUnder != null && !term.equals(Optional.of(ledUnder))) {
            LOG.warnf("Scheduler of site %s leaves office (epoch %d)", site, ledUnder.epoch());
            ledUnder = null;
            runs.stepDown();
        }
    }

    private List<String> recover(LeaseTerm term) {
        List<String> notAdopted = runs.recoverOrphans(term);
        ledUnder = term;
        LOG.infof("Scheduler of site %s takes office (epoch %d)", site, term.epoch());
        return notAdopted;
    }

    /** Load, decide, commit: a decision that is not committed changes nothing, not even the queue signal. */
    private void decideAndCommit(LeaseTerm term) {
        try (Statement statement = store.begin(term)) {
            Decision decision = decider.decide(loader.load(statement));
            statement.commit(decision);
            decider.committed();
        }
    }
}

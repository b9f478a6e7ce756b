package io.spillway.scheduler.loop;

import java.time.Duration;
import java.util.List;
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
import io.spillway.scheduler.domain.Scheduler;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;

/**
 * Drives the site, one pass at a time on the {@link LoopThread} (after each event, each job's end, and on a timer):
 * orphans of a previous process are recovered before the first pass; then a pass loads its snapshot, decides, commits
 * the decision through a {@link Statement}, and only then applies cancellations and preemptions and launches the
 * allocated jobs. The database is the truth: a restarted loop reads it back.
 */
@ApplicationScoped
public class SchedulerLoop {

    private static final Logger LOG = Logger.getLogger(SchedulerLoop.class);

    private final SiteStore store;
    private final SnapshotLoader loader;
    private final Decider decider;
    private final RunTracker runs;
    private final LoopThread thread;
    private final Duration passInterval;
    private final String site;
    /** Whether orphans of a previous process were dealt with; touched only on the loop thread. */
    private boolean recovered;

    @Inject
    public SchedulerLoop(SiteStore store, SnapshotLoader loader, RunTracker runs, LoopThread thread,
            SchedulerConfig config, ServiceIdentity identity) {
        this(store, loader, decider(config), runs, thread, config.passInterval(), identity.site());
    }

    SchedulerLoop(SiteStore store, SnapshotLoader loader, Decider decider, RunTracker runs, LoopThread thread,
            Duration passInterval, String site) {
        this.store = store;
        this.loader = loader;
        this.decider = decider;
        this.runs = runs;
        this.thread = thread;
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
     * Recovers the orphans of a previous process now, on the loop thread (see {@link RunTracker#recoverOrphans()}).
     *
     * @return the ids of the jobs that were not adopted (queued again, or cancelled when that was asked)
     */
    public CompletableFuture<List<String>> recoverOrphans() {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                done.complete(recover());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** One pass; a failure anywhere ends it, and the next pass starts over from the database. */
    void pass() {
        try {
            if (!recovered) {
                recover();
            }
            decideAndCommit();
            runs.applyCancellations();
            runs.applyPreemptions();
            runs.launchAllocated();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Scheduling pass at %s failed; the next pass tries again", site);
        }
    }

    private List<String> recover() {
        List<String> notAdopted = runs.recoverOrphans();
        recovered = true;
        return notAdopted;
    }

    /** Load, decide, commit: a decision that is not committed changes nothing, not even the queue signal. */
    private void decideAndCommit() {
        try (Statement statement = store.begin()) {
            Decision decision = decider.decide(loader.load(statement));
            statement.commit(decision);
            decider.committed();
        }
    }
}

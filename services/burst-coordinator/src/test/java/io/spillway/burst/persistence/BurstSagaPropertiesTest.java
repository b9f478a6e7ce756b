package io.spillway.burst.persistence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.spillway.burst.saga.BurstJob;
import io.spillway.burst.saga.BurstSaga;
import io.spillway.burst.saga.BurstSite;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.Candidate;
import io.spillway.burst.saga.Decision;
import io.spillway.burst.saga.QueueOverflow;
import io.spillway.burst.saga.SagaCommand;
import io.spillway.burst.saga.SagaTimeouts;
import io.spillway.burst.saga.SiteUsage;
import io.spillway.burst.saga.Volume;
import io.spillway.testing.PropertyRuns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives the pure saga, stored and read back after every decision as the adapters do (here, not in the saga's
 * package, for {@link StoredBurstState}), through generated histories: events delivered in any order across jobs and
 * transfers (in order within one job, as one Kafka partition keeps them), delivered again, applied by a coordinator
 * that crashes before committing (so the event comes again), timers firing at any time, and two schedulers that
 * answer reroutes by the hand-over rule (a site gives a job up only while it waits there, a home site declines a
 * reroute past its answer-by time), start waiting jobs and end running ones whenever they like. After the history,
 * every outstanding event, request and reroute is answered and the timers run past every deadline; then the burst
 * is closed and every job has exactly one end: it ran once at the burst site, or once at home, or waits at home to
 * run there, never two of these, and the saga's record agrees with where it ran.
 */
class BurstSagaPropertiesTest {

    private static final String HOME = "onprem";
    private static final String CLOUD = "cloud";
    private static final Instant T0 = Instant.parse("2026-03-04T05:00:00Z");
    private static final SagaTimeouts TIMEOUTS = new SagaTimeouts(Duration.ofMinutes(10), Duration.ofMinutes(20),
            Duration.ofMinutes(5), Duration.ofMinutes(30));

    @Test
    void everyBurstEndsAndEveryJobEndsExactlyOnce() {
        PropertyRuns.forAll(400, random -> {
            int jobCount = 1 + random.nextInt(4);
            List<Integer> history = new ArrayList<>();
            int length = random.nextInt(121);
            for (int i = 0; i < length; i++) {
                history.add(random.nextInt(100));
            }
            everyBurstEndsAndEveryJobEndsExactlyOnce(jobCount, history);
        });
    }

    private static void everyBurstEndsAndEveryJobEndsExactlyOnce(int jobCount, List<Integer> history) {
        World world = new World(jobCount);
        for (int i = 0; i + 1 < history.size(); i += 2) {
            world.act(history.get(i), history.get(i + 1));
        }
        world.settle();

        BurstState burst = world.burst();
        assertTrue(!burst.open(), "the burst ends: " + burst.phase() + " " + burst.jobs());
        for (String jobId : world.jobs.keySet()) {
            Site job = world.jobs.get(jobId);
            int ends = job.ranAtHome + job.ranAtBurstSite + (job.home == Where.WAITING ? 1 : 0);
            assertEquals(1, ends, jobId + " ends exactly once: " + job);
            assertNotEquals(Where.WAITING, job.burstSite, jobId + " is not left queued at the burst site");
            BurstJob recorded = burst.job(jobId).orElseThrow();
            assertEquals(job.ranAtBurstSite == 1, recorded.state().ranAtBurstSite(),
                    jobId + ": the burst's record " + recorded.state() + " (" + recorded.note() + ") agrees with "
                            + job);
        }
    }

    /** Where a job is at one site, as that site's scheduler knows it. */
    enum Where {
        ABSENT,
        WAITING,
        GONE,
        RUNNING,
        DONE
    }

    /** One job at both sites. */
    static final class Site {
        Where home = Where.WAITING;
        Where burstSite = Where.ABSENT;
        int ranAtHome;
        int ranAtBurstSite;

        @Override
        public String toString() {
            return "home " + home + " (ran " + ranAtHome + "), burst site " + burstSite + " (ran " + ranAtBurstSite
                    + ")";
        }
    }

    /** An event for the saga; {@code key} keeps the order of one partition (one job, one transfer). */
    record Event(String key, String what, Function<BurstState, Decision> input, boolean repeatable) {
    }

    /** A reroute waiting in a job's partition for the scheduler of the site it leaves. */
    record Reroute(String jobId, String from, Instant answerBy) {
    }

    /** A snapshot or restore the snapshot-worker has not answered. */
    record Request(String id, boolean snapshot) {
    }

    static final class World {
        final AtomicInteger ids = new AtomicInteger();
        final BurstSaga saga = new BurstSaga(List.of(new BurstSite(CLOUD, 8)), Duration.ofDays(1), TIMEOUTS,
                () -> "id-" + ids.incrementAndGet());
        final Map<String, Site> jobs = new LinkedHashMap<>();
        final List<Event> inbox = new ArrayList<>();
        final List<Event> delivered = new ArrayList<>();
        final List<Reroute> reroutes = new ArrayList<>();
        final List<Request> requests = new ArrayList<>();
        Map<String, Object> stored;
        Instant now = T0;

        World(int jobCount) {
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < jobCount; i++) {
                String jobId = "job-" + i;
                jobs.put(jobId, new Site());
                List<Volume> volumes = i % 2 == 0
                        ? List.of(new Volume("datasets", null, true), new Volume("results", "runs/" + jobId, false))
                        : List.of(new Volume("datasets", "shard-" + i, true));
                candidates.add(new Candidate(jobId, "vision", 1 + i % 2, volumes));
            }
            commit(saga.onQueueOverflow(Optional.empty(), new QueueOverflow(HOME, null, candidates),
                    SiteUsage.none(), now));
        }

        BurstState burst() {
            return StoredBurstState.read(stored);
        }

        void act(int action, int pick) {
            switch (action % 10) {
                case 0, 1 -> deliver(pick, true);
                case 2 -> deliver(pick, false); // the coordinator crashes before the commit: it comes again
                case 3 -> redeliver(pick);
                case 4 -> {
                    now = now.plus(Duration.ofMinutes(pick % 41));
                    commit(saga.tick(burst(), now));
                }
                case 5 -> answerReroute(pick);
                case 6 -> answerStorage(pick, pick % 7 != 0);
                case 7 -> start(pick);
                case 8 -> end(pick);
                default -> send(new Event("queue", "drained", state -> saga.onQueueDrained(state, now), true));
            }
        }

        /** Everything outstanding answered, the timers past every deadline, until nothing moves. */
        void settle() {
            for (int round = 0; round < 30; round++) {
                while (!inbox.isEmpty()) {
                    deliver(0, true);
                }
                while (!reroutes.isEmpty()) {
                    answerReroute(0);
                }
                while (!requests.isEmpty()) {
                    answerStorage(0, true);
                }
                for (String jobId : jobs.keySet()) {
                    Site job = jobs.get(jobId);
                    if (job.home == Where.RUNNING || job.burstSite == Where.RUNNING) {
                        end(List.copyOf(jobs.keySet()).indexOf(jobId));
                    }
                }
                send(new Event("queue", "drained", state -> saga.onQueueDrained(state, now), true));
                while (!inbox.isEmpty()) {
                    deliver(0, true);
                }
                now = now.plus(Duration.ofHours(2));
                commit(saga.tick(burst(), now));
                if (!burst().open() && inbox.isEmpty() && reroutes.isEmpty() && requests.isEmpty()) {
                    return;
                }
            }
        }

        /** Delivers the first pending event of one partition; in order within a partition, any order across. */
        void deliver(int pick, boolean commits) {
            List<Event> heads = new ArrayList<>();
            for (Event event : inbox) {
                if (heads.stream().noneMatch(head -> head.key().equals(event.key()))) {
                    heads.add(event);
                }
            }
            if (heads.isEmpty()) {
                return;
            }
            Event event = heads.get(pick % heads.size());
            Decision decision = event.input().apply(burst());
            if (!commits) {
                return;
            }
            inbox.remove(event);
            delivered.add(event);
            commit(decision);
        }

        /** The same event again, as a redelivery the inbox would have caught: the saga must change nothing. */
        void redeliver(int pick) {
            List<Event> repeatable = delivered.stream().filter(Event::repeatable).toList();
            if (repeatable.isEmpty()) {
                return;
            }
            Event event = repeatable.get(pick % repeatable.size());
            BurstState before = burst();
            Decision again = event.input().apply(before);
            assertTrue(!again.changed() || event.what().equals("drained") && !before.queueDrained(),
                    "a repeated " + event.what() + " changes nothing: " + again.note());
            if (again.changed()) {
                commit(again);
            }
        }

        void commit(Decision decision) {
            if (decision.state() == null || !decision.changed()) {
                return;
            }
            // What the adapters store and a restarted coordinator reads back.
            stored = StoredBurstState.write(decision.state());
            assertEquals(decision.state(), StoredBurstState.read(stored), "the stored state reads back whole");
            for (SagaCommand command : decision.commands()) {
                if (command instanceof SagaCommand.RequestSnapshot snapshot) {
                    requests.add(new Request(snapshot.snapshotId(), true));
                } else if (command instanceof SagaCommand.RequestRestore restore) {
                    requests.add(new Request(restore.restoreId(), false));
                } else if (command instanceof SagaCommand.Reroute reroute) {
                    reroutes.add(new Reroute(reroute.jobId(), reroute.fromSite(), reroute.answerBy()));
                }
            }
        }

        void send(Event event) {
            inbox.add(event);
        }

        /** The scheduler of the site a job leaves answers its oldest reroute, by the hand-over rule. */
        void answerReroute(int pick) {
            if (reroutes.isEmpty()) {
                return;
            }
            Reroute reroute = reroutes.remove(oldestOf(pick));
            Site job = jobs.get(reroute.jobId());
            String jobId = reroute.jobId();
            if (reroute.from().equals(HOME)) {
                boolean due = reroute.answerBy() != null && !now.isBefore(reroute.answerBy());
                if (job.home == Where.WAITING && !due) {
                    job.home = Where.GONE;
                    job.burstSite = Where.WAITING;
                    handedOver(jobId, HOME, CLOUD);
                } else if (job.home == Where.GONE && job.burstSite != Where.ABSENT) {
                    handedOver(jobId, HOME, CLOUD); // handed over already: the same answer again
                } else {
                    declined(jobId, HOME, "not waiting at " + HOME + " (" + job.home + ")");
                }
            } else if (job.burstSite == Where.WAITING) {
                job.burstSite = Where.GONE;
                job.home = Where.WAITING;
                handedOver(jobId, CLOUD, HOME);
            } else {
                declined(jobId, CLOUD, "not waiting at " + CLOUD + " (" + job.burstSite + ")");
            }
        }

        /** The oldest reroute of some job: a partition is answered in order. */
        private int oldestOf(int pick) {
            String jobId = reroutes.get(pick % reroutes.size()).jobId();
            for (int i = 0; i < reroutes.size(); i++) {
                if (reroutes.get(i).jobId().equals(jobId)) {
                    return i;
                }
            }
            return 0;
        }

        void handedOver(String jobId, String from, String to) {
            send(new Event(jobId, "hand-over of " + jobId + " to " + to,
                    state -> saga.onJobHandedOver(state, jobId, from, to, now), true));
        }

        void declined(String jobId, String from, String reason) {
            send(new Event(jobId, "decline of " + jobId + " by " + from,
                    state -> saga.onRerouteDeclined(state, jobId, from, reason, now), true));
        }

        void answerStorage(int pick, boolean succeeds) {
            if (requests.isEmpty()) {
                return;
            }
            Request request = requests.remove(pick % requests.size());
            String id = request.id();
            if (request.snapshot()) {
                send(new Event(id, "snapshot " + id, succeeds
                        ? state -> saga.onSnapshotUploaded(state, id, "s3://spillway/" + id, 100, now)
                        : state -> saga.onSnapshotFailed(state, id, "disk full", now), true));
            } else {
                send(new Event(id, "restore " + id, succeeds ? state -> saga.onRestored(state, id, now)
                        : state -> saga.onRestoreFailed(state, id, "corrupt chunk", now), true));
            }
        }

        /**
         * A scheduler starts a waiting job: at home any time (a reroute queued meanwhile is declined); at the burst
         * site only once it has answered the reroutes in the job's partition, as a scheduler that reads its topic in
         * order does.
         */
        void start(int pick) {
            String jobId = List.copyOf(jobs.keySet()).get(pick % jobs.size());
            Site job = jobs.get(jobId);
            boolean atHome = pick / jobs.size() % 2 == 0;
            if (atHome && job.home == Where.WAITING) {
                job.home = Where.RUNNING;
                job.ranAtHome++;
                send(new Event(jobId, jobId + " started at home",
                        state -> saga.onJobStarted(state, jobId, HOME, now), true));
            } else if (!atHome && job.burstSite == Where.WAITING
                    && reroutes.stream().noneMatch(reroute -> reroute.jobId().equals(jobId))) {
                job.burstSite = Where.RUNNING;
                job.ranAtBurstSite++;
                send(new Event(jobId, jobId + " started at the burst site",
                        state -> saga.onJobStarted(state, jobId, CLOUD, now), true));
            }
        }

        void end(int pick) {
            String jobId = List.copyOf(jobs.keySet()).get(pick % jobs.size());
            Site job = jobs.get(jobId);
            if (job.home == Where.RUNNING) {
                job.home = Where.DONE;
                send(new Event(jobId, jobId + " ended at home",
                        state -> saga.onJobEnded(state, jobId, HOME, true, now), true));
            } else if (job.burstSite == Where.RUNNING) {
                job.burstSite = Where.DONE;
                send(new Event(jobId, jobId + " ended at the burst site",
                        state -> saga.onJobEnded(state, jobId, CLOUD, true, now), true));
            }
        }
    }
}

package io.spillway.scheduler.loop;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.spillway.scheduler.domain.LeaseTerm;

/**
 * The jobs this site runs, from launch to recorded end, as the loop sees them; every method runs on the loop's
 * thread, and only while this instance leads its site (from {@link #recoverOrphans} to {@link #stepDown}).
 * {@link ExecutorRunTracker} runs them through the site's executor.
 */
public interface RunTracker {

    /**
     * Takes the site's jobs over under {@code term}, and deals with those that hold GPUs in the database but run in no
     * process of this scheduler (a previous process was killed, or another instance led): adopted when their workers
     * still run, recorded when they ended, queued again when lost. Every later write is fenced by {@code term}.
     *
     * @return the ids of the jobs that were not adopted (queued again, or cancelled when that was asked)
     */
    List<String> recoverOrphans(LeaseTerm term);

    /**
     * Gives the site's jobs up, when this instance lost its lease: forgets what it followed without stopping any
     * process, for the next leader to adopt.
     */
    void stepDown();

    /** Jobs that sit out the passes until the storage-agent answers, with the time their wait ends. */
    Map<String, Instant> storageWaits();

    /** Ends the cancelled jobs that do not run, and stops those that do. */
    void applyCancellations();

    /** Stops the jobs asked to give way, or queues them again when they do not run. */
    void applyPreemptions();

    /** Mounts the volumes of the allocated jobs and starts their workers. */
    void launchAllocated();

    /** Stops every job this process runs, when the scheduler shuts down. */
    void stopAll();
}

package io.spillway.scheduler.loop;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The one thread that owns every transition of the site: passes, starts, exits and retries run on it in turn, so
 * they never race. Requests for a pass that arrive while one is queued share it.
 */
@ApplicationScoped
public class LoopThread {

    private static final Logger LOG = Logger.getLogger(LoopThread.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread loop = new Thread(runnable, "spillway-scheduler");
        loop.setDaemon(true);
        return loop;
    });
    private final AtomicBoolean passQueued = new AtomicBoolean();
    /** The loop's pass; set once, by the loop, before anything asks for one. */
    private volatile Runnable pass = () -> {
    };

    /** Makes {@code pass} what {@link #requestPass()} and {@link #passNow()} run. */
    public void runPasses(Runnable pass) {
        this.pass = pass;
    }

    /** Asks for a pass soon, on this thread; requests that arrive while one is queued share it. */
    public void requestPass() {
        if (passQueued.compareAndSet(false, true)) {
            execute(this::passNow);
        }
    }

    /** Runs a pass at once; only on this thread. A pass already queued runs as well, later. */
    public void passNow() {
        passQueued.set(false);
        pass.run();
    }

    /** Runs {@code task} on this thread, after what is queued; dropped once the loop is shut down. */
    public void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debugf("Scheduler loop is shut down; dropping a task");
        }
    }

    /** Runs {@code task} on this thread after {@code delay}; dropped once the loop is shut down. */
    public void schedule(Runnable task, Duration delay) {
        try {
            thread.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debugf("Scheduler loop is shut down; dropping a retry");
        }
    }

    /** Runs {@code task} now and then every {@code interval} after the previous run ended. */
    public void every(Duration interval, Runnable task) {
        thread.scheduleWithFixedDelay(task, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; what is queued is dropped. */
    public void shutdown() {
        thread.shutdownNow();
    }
}

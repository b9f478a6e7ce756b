package io.spillway.scheduler.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.spillway.kit.security.Roles;
import io.spillway.scheduler.executor.JobExecutor;

/**
 * A job's output as the executor captured it, for job-intake to pass on to users. With {@code follow}, the
 * response stays open and carries new output as the job writes it, until the job ends.
 */
@jakarta.annotation.security.RolesAllowed(Roles.SERVICE)
@jakarta.ws.rs.Path("/api/v1/scheduler/jobs/{id}/log")
public class JobLogResource {

    private static final Logger LOG = Logger.getLogger(JobLogResource.class);
    private static final int CHUNK = 64 * 1024;
    private static final long POLL_MILLIS = 200;

    private final JobExecutor executor;

    public JobLogResource(JobExecutor executor) {
        this.executor = executor;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Multi<byte[]> log(@PathParam("id") String jobId,
            @QueryParam("follow") @DefaultValue("false") boolean follow,
            @QueryParam("offset") @DefaultValue("0") long offset) {
        if (offset < 0) {
            throw new BadRequestException("offset must not be negative");
        }
        if (executor.logFile(jobId).isEmpty() && !executor.isRunning(jobId)) {
            throw new NotFoundException("job " + jobId + " has no output at this site");
        }
        return Multi.createFrom().<byte[]> emitter(
                emitter -> Infrastructure.getDefaultWorkerPool().execute(() -> pump(jobId, follow, offset, emitter)));
    }

    /** Copies the log file to the emitter, waiting for more while the job runs and {@code follow} is asked. */
    private void pump(String jobId, boolean follow, long offset, MultiEmitter<? super byte[]> emitter) {
        long position = offset;
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        try {
            while (!emitter.isCancelled()) {
                // Read whether the job still runs before reading: output written before it ended is then seen.
                boolean running = executor.isRunning(jobId);
                Optional<Path> file = executor.logFile(jobId);
                int read = 0;
                if (file.isPresent()) {
                    try (FileChannel channel = FileChannel.open(file.get(), StandardOpenOption.READ)) {
                        buffer.clear();
                        read = channel.read(buffer, position);
                    }
                }
                if (read > 0) {
                    position += read;
                    emitter.emit(Arrays.copyOf(buffer.array(), read));
                } else if (follow && running) {
                    Thread.sleep(POLL_MILLIS);
                } else {
                    emitter.complete();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.warnf("Cannot read the log of job %s: %s", jobId, e.getMessage());
            emitter.fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        }
    }
}

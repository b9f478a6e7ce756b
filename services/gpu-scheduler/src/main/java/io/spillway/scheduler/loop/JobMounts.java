package io.spillway.scheduler.loop;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.spillway.scheduler.executor.MountedVolume;
import io.spillway.scheduler.storage.MountAnswer;
import io.spillway.scheduler.storage.StorageAgentClient;
import io.spillway.schemas.VolumeMount;

/**
 * The mounts of a job's volumes: granted by the site's storage-agent before the job starts, released when it ends.
 * One mount per volume for the whole job, held under the job id: the workers of a gang share the job's volumes, and
 * the storage-agent releases a job's mounts of a filesystem together.
 */
@ApplicationScoped
public class JobMounts {

    private static final Logger LOG = Logger.getLogger(JobMounts.class);

    private final StorageAgentClient storage;

    public JobMounts(StorageAgentClient storage) {
        this.storage = storage;
    }

    /** How asking for a job's mounts went. */
    public sealed interface Acquired {

        /** Every volume is mounted; empty when the job has none or the site has no storage-agent. */
        record Granted(List<MountedVolume> mounts) implements Acquired {
        }

        /** A volume was refused: the job cannot run at this site. */
        record Refused(String reason) implements Acquired {
        }

        /** The storage-agent did not answer: the job can run once it does. */
        record Unavailable(String reason) implements Acquired {
        }
    }

    /**
     * Asks for the mount of each of the job's volumes, in order. On the first refusal or failure, the mounts already
     * granted are released again, so a job that does not start holds nothing.
     */
    public Acquired acquire(String jobId, List<VolumeMount> volumes) {
        if (!storage.configured() || volumes.isEmpty()) {
            return new Acquired.Granted(List.of());
        }
        List<MountedVolume> granted = new ArrayList<>();
        for (VolumeMount volume : volumes) {
            MountAnswer answer = storage.mount(jobId, volume);
            if (answer instanceof MountAnswer.Granted mount) {
                granted.add(new MountedVolume(volume, mount.hostPath(), mount.claimName()));
                continue;
            }
            release(jobId, granted.stream().map(MountedVolume::volume).toList());
            if (answer instanceof MountAnswer.Refused refused) {
                return new Acquired.Refused("volume " + describe(volume) + " refused by the storage-agent: "
                        + refused.message());
            }
            return new Acquired.Unavailable("waiting for the storage-agent to mount volume " + describe(volume) + ": "
                    + ((MountAnswer.Unreachable) answer).message());
        }
        return new Acquired.Granted(granted);
    }

    /**
     * Releases the job's mounts of the filesystems its volumes name; a mount that is not there counts as released.
     *
     * @return the filesystems whose release failed (the storage-agent did not answer), to try again later
     */
    public List<VolumeMount> release(String jobId, List<VolumeMount> volumes) {
        if (!storage.configured() || volumes.isEmpty()) {
            return List.of();
        }
        Set<String> released = new LinkedHashSet<>();
        List<VolumeMount> failed = new ArrayList<>();
        for (VolumeMount volume : volumes) {
            if (!released.add(volume.filesystem())) {
                continue; // one release frees every sub-path of the filesystem the job holds
            }
            Optional<String> failure = storage.release(jobId, volume.filesystem());
            if (failure.isPresent()) {
                LOG.warnf("Cannot release job %s's mount of filesystem %s yet: %s", jobId, volume.filesystem(),
                        failure.get());
                failed.add(volume);
            }
        }
        return failed;
    }

    /** A volume as the job wrote it: {@code fs[/subpath]:mountpath[:ro]}. */
    static String describe(VolumeMount volume) {
        String source = volume.subPath() == null || volume.subPath().isBlank() ? volume.filesystem()
                : volume.filesystem() + "/" + volume.subPath();
        return source + ":" + volume.mountPath() + (volume.readOnly() ? ":ro" : "");
    }
}

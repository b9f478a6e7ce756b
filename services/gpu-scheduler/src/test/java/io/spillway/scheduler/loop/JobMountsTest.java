package io.spillway.scheduler.loop;

import org.junit.jupiter.api.Test;

import io.spillway.schemas.VolumeMount;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reasons name a volume as the job's owner wrote it. */
class JobMountsTest {

    @Test
    void describesAVolumeInTheSubmitSyntax() {
        assertEquals("datasets/imagenet:/data:ro", JobMounts.describe(new VolumeMount("datasets", "imagenet", "/data",
                true)));
        assertEquals("home:/home/alice", JobMounts.describe(new VolumeMount("home", null, "/home/alice", false)));
    }
}

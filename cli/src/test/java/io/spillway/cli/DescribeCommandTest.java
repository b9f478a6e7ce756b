package io.spillway.cli;

import java.io.InputStream;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DescribeCommandTest {

    @Test
    void showsTheJobItsSpecAndItsHistoryAsATimelineOfKeyFacts() throws Exception {
        JsonNode job;
        try (InputStream json = getClass().getResourceAsStream("DescribeCommandTest.job.json")) {
            job = Output.JSON.readTree(json);
        }

        String text = DescribeCommand.render(job, Instant.parse("2026-11-29T10:10:00Z"));

        assertEquals("""
                Id:        3f2a9c4e-1b7d-4e8a-9c2f-5d6e7f8a9b0c
                Name:      train-1
                Project:   vision
                Site:      cloud
                State:     FAILED
                Node:      cloud-0
                GPUs:      cloud-0:0,1
                Exit code: 137
                Created:   2026-11-29T10:00:00Z (10m ago)
                Updated:   2026-11-29T10:06:00Z
                Spec:
                  Command:   python train.py --lr '1e-3 warmup' 'it'\\''s'
                  GPU:       2 (8192 MiB GPU memory)
                  Workers:   1
                  Priority:  train
                  Volumes:   data/imagenet:/data:ro, scratch:/scratch
                  Env:       EPOCHS=3
                History:
                  2026-11-29T10:00:00Z  JobSubmitted
                  2026-11-29T10:00:01Z  JobPending    reason: waiting for 2 GPUs at onprem
                  2026-11-29T10:02:00Z  JobRerouted   onprem -> cloud
                  2026-11-29T10:02:05Z  GpuAllocated  cloud-0 gpu 0,1
                  2026-11-29T10:06:00Z  JobFailed     exit code 137; reason: out of memory
                """, text);
    }

    @Test
    void showsTheHandshakeOfAReroute() throws Exception {
        JsonNode declined = Output.JSON.readTree("""
                {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1", "reason": "already running at onprem"}""");
        JsonNode handedOver = Output.JSON.readTree("""
                {"fromSite": "onprem", "toSite": "cloud", "burstId": "b-1"}""");

        assertEquals("onprem -> cloud; reason: already running at onprem", DescribeCommand.facts(declined));
        assertEquals("onprem -> cloud", DescribeCommand.facts(handedOver));
        assertEquals("JobRerouteDeclined", DescribeCommand.shortType("io.spillway.JobRerouteDeclined.v1"));
    }

    @Test
    void shortensCloudEventTypesToTheEventsName() {
        assertEquals("GpuAllocated", DescribeCommand.shortType("io.spillway.GpuAllocated.v1"));
        assertEquals("JobPending", DescribeCommand.shortType("io.spillway.JobPending.v12"));
        assertEquals("com.example.Audit", DescribeCommand.shortType("com.example.Audit"));
    }
}

package io.spillway.scheduler.storage;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the scheduler reads the storage-agent's answers to a mount request. */
class MountAnswerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCreatedMountGivesTheHostPathAndTheClaim() {
        MountAnswer answer = MountAnswer.of(201, """
                {"filesystem":"datasets","jobId":"job-1","subpath":"imagenet","readOnly":true,
                 "hostPath":"/srv/fs/datasets/imagenet","claimName":"spillway-fs-datasets","storageClass":null}""",
                JSON);

        assertEquals(new MountAnswer.Granted("/srv/fs/datasets/imagenet", "spillway-fs-datasets"), answer);
    }

    @Test
    void anUnknownFilesystemIsRefusedInTheStorageAgentsWords() {
        MountAnswer answer = MountAnswer.of(404, """
                {"status":404,"error":"No filesystem 'nosuchfs' at this site","violations":[]}""", JSON);

        assertEquals(new MountAnswer.Refused("No filesystem 'nosuchfs' at this site"), answer);
    }

    @Test
    void anEscapingSubpathIsRefusedNamingTheField() {
        MountAnswer answer = MountAnswer.of(400, """
                {"status":400,"error":"the request is invalid",
                 "violations":[{"field":"subpath","message":"'../other' leaves filesystem 'datasets'"}]}""", JSON);

        assertEquals(new MountAnswer.Refused("subpath: '../other' leaves filesystem 'datasets'"), answer);
    }

    @Test
    void aServerErrorOrAnUnreadableMountIsTheAgentsFaultAndMayBeRetried() {
        assertEquals(new MountAnswer.Unreachable("storage-agent answered 503: Service Unavailable"),
                MountAnswer.of(503, "Service Unavailable", JSON));
        assertEquals(new MountAnswer.Unreachable("storage-agent answered 201 without a mount: {}"),
                MountAnswer.of(201, "{}", JSON));
    }
}

package io.spillway.cli;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TableTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @Test
    void alignsColumnsTwoSpacesApartAndPrintsMissingCellsAsDashes() {
        String table = Table.of("NAME", "STATE", "REASON").row("train-1", "RUNNING", null)
                .row("a-much-longer-name", "PENDING", "waiting for 1 GPU").render();

        assertEquals("""
                NAME                STATE    REASON
                train-1             RUNNING  -
                a-much-longer-name  PENDING  waiting for 1 GPU
                """, table);
    }

    @Test
    void listsJobsWithShortIdsAgesGpusAndTruncatedPendingReasons() throws Exception {
        JsonNode running = Output.JSON.readTree("""
                {"id":"3f2a9c4e-1b7d-4e8a-9c2f-5d6e7f8a9b0c","name":"train-1","project":"vision","site":"onprem",
                 "state":"RUNNING","pendingReason":null,"createdAt":"2026-11-29T11:55:00Z",
                 "spec":{"gpu":0.5,"workers":1}}""");
        JsonNode pending = Output.JSON.readTree("""
                {"id":"9b0c5d6e-1b7d-4e8a-9c2f-5d6e7f8a9b0c","name":"big","project":"nlp","site":null,
                 "state":"PENDING",
                 "pendingReason":"project nlp is over its deserved share and no GPUs are free at onprem or cloud",
                 "createdAt":"2026-11-26T12:00:00Z","spec":{"gpu":2,"workers":4}}""");

        String table = ListCommand.table(List.of(running, pending), NOW).render();

        assertEquals("""
                NAME     ID        PROJECT  SITE    STATE    GPU  AGE  REASON
                train-1  3f2a9c4e  vision   onprem  RUNNING  0.5  5m   -
                big      9b0c5d6e  nlp      -       PENDING  2x4  3d   project nlp is over its deserved share and no...
                """, table);
    }

    @Test
    void saysAgesTheWayKubectlDoes() {
        assertEquals("45s", Output.age("2026-11-29T11:59:15Z", NOW));
        assertEquals("90m", Output.age("2026-11-29T10:30:00Z", NOW));
        assertEquals("3h", Output.age("2026-11-29T09:00:00Z", NOW));
        assertEquals("2d", Output.age("2026-11-27T12:00:00Z", NOW));
        assertEquals("0s", Output.age("2026-11-29T12:00:05Z", NOW), "a clock slightly ahead is not negative");
    }

    @Test
    void showsTheStatusOfSitesAndProjectsMarkingAnUnreachableScheduler() throws Exception {
        JsonNode status = Output.JSON.readTree("""
                {"sites":[{"site":"onprem","gpus":2.0,"gpusInUse":1.5,"pending":3,"running":2},
                          {"site":"cloud","gpus":null,"gpusInUse":0,"pending":0,"running":0}],
                 "projects":[{"project":"default","site":"onprem","pending":3,"running":2,"gpusInUse":1.5,
                              "deservedGpus":0,"limitGpus":null}]}""");

        assertEquals("""
                SITE    GPUS  IN-USE  PENDING  RUNNING
                onprem  2     1.5     3        2
                cloud   ?     0       0        0
                (? = the site's scheduler did not answer)

                PROJECT  SITE    PENDING  RUNNING  IN-USE  DESERVED  LIMIT
                default  onprem  3        2        1.5     0         -
                """, StatusCommand.render(status));
    }
}

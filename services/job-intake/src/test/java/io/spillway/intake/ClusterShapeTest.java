package io.spillway.intake;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.ClusterShape;
import io.spillway.intake.domain.ClusterShape.SiteShape;
import io.spillway.intake.domain.Violation;
import io.spillway.schemas.JobSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterShapeTest {

    /** The local stack: onprem one node of 2 GPUs; cloud two of 4, one of them in pool a100. */
    private static final ClusterShape CLUSTER = new ClusterShape(Map.of(
            "onprem", new SiteShape(Map.of(SiteShape.NO_POOL, List.of(2))),
            "cloud", new SiteShape(Map.of(SiteShape.NO_POOL, List.of(4), "a100", List.of(4)))));

    @Test
    void aJobSomeSiteCanRunIsFineEvenWhenItsHomeSiteCannot() {
        assertEquals(List.of(), CLUSTER.neverRunnable(job(0.5, 1, null)));
        assertEquals(List.of(), CLUSTER.neverRunnable(job(2.0, 1, null)));
        assertEquals(List.of(), CLUSTER.neverRunnable(job(4.0, 1, null)), "only cloud can, and that is enough");
        assertEquals(List.of(), CLUSTER.neverRunnable(job(4.0, 2, null)), "a gang of two on cloud's two nodes");
        assertEquals(List.of(), CLUSTER.neverRunnable(job(1.0, 1, "a100")));
    }

    @Test
    void aPoolNoNodeIsInIsRefusedNamingThePoolsThereAre() {
        List<Violation> refused = CLUSTER.neverRunnable(job(1.0, 1, "h100"));
        assertEquals("nodePool", refused.get(0).field());
        assertTrue(refused.get(0).message().contains("'h100'") && refused.get(0).message().contains("a100"),
                refused.toString());
    }

    @Test
    void moreGpusOnOneNodeThanAnyNodeHasIsRefusedNamingTheLargest() {
        List<Violation> refused = CLUSTER.neverRunnable(job(5.0, 1, null));
        assertEquals("gpu", refused.get(0).field());
        assertTrue(refused.get(0).message().contains("largest node has 4"), refused.toString());
        assertEquals("gpu", CLUSTER.neverRunnable(job(8.0, 1, "a100")).get(0).field(), "within its pool");
    }

    @Test
    void aGangNeedingMoreNodesThanAnySiteHasIsRefusedOnItsWorkers() {
        List<Violation> refused = CLUSTER.neverRunnable(job(4.0, 3, null));
        assertEquals("workers", refused.get(0).field());
        assertTrue(refused.get(0).message().contains("cloud 2"), refused.toString());
        assertEquals("workers", CLUSTER.neverRunnable(job(4.0, 2, "a100")).get(0).field(),
                "one a100 node cannot hold two workers");
    }

    @Test
    void onlyAnAnswerFromEverySiteRefusesAnything() {
        Map<String, SiteShape> onlyOnprem = Map.of("onprem", new SiteShape(Map.of(SiteShape.NO_POOL, List.of(2))));
        assertTrue(ClusterShape.ofAll(Set.of("onprem", "cloud"), onlyOnprem).isEmpty(),
                "cloud did not answer: it might be the site with the big nodes");
        assertTrue(ClusterShape.ofAll(Set.of(), Map.of()).isEmpty());
        assertTrue(ClusterShape.ofAll(Set.of("onprem"), onlyOnprem).isPresent());
    }

    private static JobSpec job(double gpu, int workers, String pool) {
        return new JobSpec("train", "default", null, List.of("true"), gpu, null, null, null, workers, null, List.of(),
                Map.of(), pool, null);
    }
}

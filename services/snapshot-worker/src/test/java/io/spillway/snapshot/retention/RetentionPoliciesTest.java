package io.spillway.snapshot.retention;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.RetentionPolicy;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.retention.RetentionPolicies.Scoped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionPoliciesTest {

    private static final Set<String> SITES = Set.of("onprem", "cloud");

    @Test
    void turnsAValidPolicyIntoItsScopeAndRules() {
        List<Scoped> policies = RetentionPolicies.validate(Map.of("datasets-hourly", new Policy("onprem", "datasets",
                Optional.of("imagenet"), Optional.of(Duration.ofHours(1)), OptionalInt.of(24), OptionalInt.of(7))),
                SITES);

        assertEquals(List.of(new Scoped("datasets-hourly", "onprem", "datasets", Optional.of("imagenet"),
                new RetentionPolicy(Optional.of(Duration.ofHours(1)), 24, 7))), policies);
    }

    @Test
    void aPolicyWithOnlyAKeepRuleForgetsWithoutScheduling() {
        Scoped policy = RetentionPolicies.validate(Map.of("trim", new Policy("cloud", "results", Optional.empty(),
                Optional.empty(), OptionalInt.empty(), OptionalInt.of(3))), SITES).get(0);

        assertEquals(new RetentionPolicy(Optional.empty(), 0, 3), policy.policy());
        assertEquals(null, policy.pathOrNull());
    }

    @Test
    void listsEveryProblemOfEveryPolicyNamingTheProperty() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RetentionPolicies
                .validate(Map.of(
                        "bad name!", new Policy("onprem", "datasets", Optional.empty(), Optional.of(Duration.ofHours(1)),
                                OptionalInt.empty(), OptionalInt.empty()),
                        "nowhere", new Policy("mars", "../etc", Optional.of("../up"), Optional.of(Duration.ofMillis(10)),
                                OptionalInt.of(0), OptionalInt.of(-1)),
                        "idle", new Policy("onprem", "datasets", Optional.empty(), Optional.empty(),
                                OptionalInt.empty(), OptionalInt.empty())),
                        SITES));

        String message = error.getMessage();
        for (String expected : List.of("spillway.snapshot.policies.bad name!: the name must be",
                "spillway.snapshot.policies.nowhere.site: 'mars' is not a configured site",
                "spillway.snapshot.policies.nowhere.filesystem: '../etc' is not a filesystem name",
                "spillway.snapshot.policies.nowhere.path: '../up' must be relative",
                "spillway.snapshot.policies.nowhere.every: PT0.01S is shorter than PT1S",
                "spillway.snapshot.policies.nowhere.keep-last: must be at least 1",
                "spillway.snapshot.policies.nowhere.keep-daily: must be at least 1",
                "spillway.snapshot.policies.idle: sets neither every, keep-last nor keep-daily")) {
            assertTrue(message.contains(expected), "'" + expected + "' in: " + message);
        }
    }

    @Test
    void aWorkerRunsOnlyThePoliciesOfTheSitesItServes() {
        List<Scoped> policies = RetentionPolicies.validate(Map.of(
                "onprem-hourly", new Policy("onprem", "datasets", Optional.empty(), Optional.of(Duration.ofHours(1)),
                        OptionalInt.empty(), OptionalInt.empty()),
                "cloud-trim", new Policy("cloud", "results", Optional.empty(), Optional.empty(), OptionalInt.empty(),
                        OptionalInt.of(3))),
                SITES);

        assertEquals(List.of("cloud-trim"), RetentionPolicies.servedBy(policies, ServedSites.of(List.of("cloud"),
                SITES)).stream().map(Scoped::name).toList());
        assertEquals(List.of("cloud-trim", "onprem-hourly"), RetentionPolicies.servedBy(policies, ServedSites.of(
                List.of("onprem", "cloud"), SITES)).stream().map(Scoped::name).toList());
    }

    @Test
    void noPoliciesIsValid() {
        assertEquals(List.of(), RetentionPolicies.validate(Map.of(), SITES));
    }

    private record Policy(String site, String filesystem, Optional<String> path, Optional<Duration> every,
            OptionalInt keepLast, OptionalInt keepDaily) implements SnapshotWorkerConfig.Policy {
    }
}

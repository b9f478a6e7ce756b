package io.spillway.intake;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.JobRequest;
import io.spillway.intake.domain.JobRequestValidator;
import io.spillway.intake.domain.SubmitPolicy;
import io.spillway.intake.domain.Violation;
import io.spillway.schemas.PriorityClass;
import io.spillway.schemas.VolumeMount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobRequestValidatorTest {

    private static JobRequest request(Double gpu, Integer workers, List<String> volumes) {
        return new JobRequest("resnet", "vision", null, List.of("python", "train.py"), gpu, null, null, null, workers,
                null, volumes, Map.of("EPOCHS", "3"), null, null, null);
    }

    @Test
    void acceptsAFractionalTrainingJobAndFillsDefaults() {
        JobRequestValidator.Result result = JobRequestValidator.validate(
                request(0.5, null, List.of("datasets/imagenet:/data:ro")), "onprem");

        assertTrue(result.valid(), result.violations().toString());
        assertEquals("onprem", result.site());
        assertEquals(0.5, result.spec().gpu());
        assertEquals(1, result.spec().workers());
        assertEquals(PriorityClass.TRAIN, result.spec().priority());
        assertEquals(List.of(new VolumeMount("datasets", "imagenet", "/data", true)), result.spec().volumes());
        assertTrue(result.spec().mayBurst());
    }

    @Test
    void asksForOneWholeGpuWhenNothingIsSaid() {
        JobRequestValidator.Result result = JobRequestValidator.validate(request(null, null, null), "onprem");

        assertEquals(1.0, result.spec().gpu());
    }

    @Test
    void refusesAFractionTheSchedulerCannotShareInNamingTheField() {
        List<Violation> violations = JobRequestValidator.validate(request(0.33, null, null), "onprem").violations();

        assertEquals(1, violations.size());
        assertEquals("gpu", violations.get(0).field());
        assertTrue(violations.get(0).message().contains("steps of 5%"), violations.get(0).message());
    }

    @Test
    void refusesAGangWithoutWholeGpus() {
        List<Violation> violations = JobRequestValidator.validate(request(0.5, 4, null), "onprem").violations();

        assertEquals(List.of("workers"), violations.stream().map(Violation::field).toList());
    }

    @Test
    void refusesFractionalCountsAboveOneGpu() {
        List<Violation> violations = JobRequestValidator.validate(request(1.5, null, null), "onprem").violations();

        assertEquals(List.of("gpu"), violations.stream().map(Violation::field).toList());
    }

    @Test
    void reportsEveryBrokenRuleAtOnce() {
        JobRequest bad = new JobRequest("Not_DNS", null, null, List.of(), -1.0, null, 0.0, null, 0, "urgent",
                List.of("nocolon", "data:/mnt:xx", "../up:/mnt"), Map.of("1BAD", "x"), null, null, "On Prem");

        List<String> fields = JobRequestValidator.validate(bad, "onprem").violations().stream()
                .map(Violation::field).sorted().toList();

        assertEquals(List.of("command", "cpu", "env.1BAD", "gpu", "name", "priority", "project", "site", "volumes[0]",
                "volumes[1]", "volumes[2]", "workers"), fields);
    }

    @Test
    void refusesAMountPathThatIsNotAbsoluteOrASubpathThatEscapes() {
        assertFalse(JobRequestValidator.validate(request(1.0, null, List.of("data:mnt")), "onprem").valid());
        assertFalse(JobRequestValidator.validate(request(1.0, null, List.of("data/../etc:/mnt")), "onprem").valid());
        assertTrue(JobRequestValidator.validate(request(1.0, null, List.of("data/a/b:/mnt:rw")), "onprem").valid());
    }

    @Test
    void theFractionStepIsTheClustersOwn() {
        SubmitPolicy quarters = new SubmitPolicy("onprem", 0.25, SubmitPolicy.DEFAULT_MOUNT_ROOTS, Set.of());

        List<Violation> violations = JobRequestValidator.validate(request(0.3, null, null), quarters).violations();

        assertEquals(List.of("gpu"), violations.stream().map(Violation::field).toList());
        assertTrue(violations.get(0).message().contains("steps of 25%"), violations.get(0).message());
        assertTrue(JobRequestValidator.validate(request(0.75, null, null), quarters).valid());
    }

    @Test
    void refusesAMountPathOutsideTheAllowedRoots() {
        SubmitPolicy policy = new SubmitPolicy("onprem", 0.05, List.of("/data", "/results"), Set.of());

        List<Violation> violations = JobRequestValidator.validate(request(1.0, null, List.of("data:/etc",
                "data:/data/imagenet", "out:/results", "x:/database")), policy).violations();

        assertEquals(List.of("volumes[0]", "volumes[3]"), violations.stream().map(Violation::field).toList());
        assertTrue(violations.get(0).message().contains("outside the allowed roots"), violations.get(0).message());
    }

    @Test
    void refusesASiteThatNoSchedulerServesAndNamesTheSitesThereAre() {
        SubmitPolicy twoSites = new SubmitPolicy("onprem", 0.05, SubmitPolicy.DEFAULT_MOUNT_ROOTS,
                Set.of("onprem", "cloud"));
        JobRequest atTrue = new JobRequest("resnet", "vision", null, List.of("python"), 1.0, null, null, null, null,
                null, null, null, null, null, "true");

        List<Violation> violations = JobRequestValidator.validate(atTrue, twoSites).violations();

        assertEquals(List.of("site"), violations.stream().map(Violation::field).toList());
        assertEquals("no site 'true' in this cluster; its sites are cloud, onprem", violations.get(0).message());
        assertTrue(JobRequestValidator.validate(request(1.0, null, null), twoSites).valid(),
                "the default site, onprem, is one of them");
    }

    @Test
    void takesAnyWellFormedSiteWhenNoSiteIsConfigured() {
        JobRequest atMars = new JobRequest("resnet", "vision", null, List.of("python"), 1.0, null, null, null, null,
                null, null, null, null, null, "mars");

        assertTrue(JobRequestValidator.validate(atMars, "onprem").valid());
    }
}

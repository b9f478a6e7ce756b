package io.spillway.intake;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.spillway.intake.domain.ProjectRules;
import io.spillway.intake.domain.Violation;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProjectRulesTest {

    @Test
    void aWellFormedProjectPasses() {
        assertEquals(List.of(), ProjectRules.check("vision", 3.0, 1.0, 6.0, "research"));
        assertEquals(List.of(), ProjectRules.check("vision", null, null, null, null));
    }

    @Test
    void everyBrokenRuleIsNamedByItsField() {
        List<String> fields = ProjectRules.check("Vision_1", -1.0, Double.NaN, -2.0, "R&D").stream()
                .map(Violation::field).toList();

        assertEquals(List.of("name", "deservedGpus", "overQuotaWeight", "limitGpus", "department"), fields);
    }

    @Test
    void aLimitBelowTheDeservedShareIsRefused() {
        List<Violation> violations = ProjectRules.check("vision", 4.0, 1.0, 2.0, null);

        assertEquals(1, violations.size());
        assertEquals("limitGpus", violations.get(0).field());
    }
}

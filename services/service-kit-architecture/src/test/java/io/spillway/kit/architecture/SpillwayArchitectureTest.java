package io.spillway.kit.architecture;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import io.spillway.kit.architecture.SpillwayArchitecture.Rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared rules find what they promise to find, on a tidy fixture service and a tangled one. */
class SpillwayArchitectureTest {

    private static final String TIDY = "io.spillway.fixtures.tidy";
    private static final String TANGLED = "io.spillway.fixtures.tangled";

    // The fixtures are test classes, so they are imported as they are (a service's own test leaves its tests out).
    private static final JavaClasses CLASSES = new ClassFileImporter().importPackages("io.spillway.fixtures",
            "io.spillway.schemas");

    private final SpillwayArchitecture tidy = SpillwayArchitecture.service(TIDY);
    private final SpillwayArchitecture tangled = SpillwayArchitecture.service(TANGLED);

    @ParameterizedTest
    @EnumSource(Rule.class)
    void aTidyServiceKeepsEveryRule(Rule rule) {
        assertEquals(List.of(), tidy.problems(rule, CLASSES));
    }

    @Test
    void theDomainMayUseTheEventContractsButNotJdbcAnotherPackageOrTheKafkaCodec() {
        List<String> problems = tangled.problems(Rule.DOMAIN_IS_PURE, CLASSES);

        assertMentions(problems, "java.sql.Timestamp");
        assertMentions(problems, TANGLED + ".persistence.LedgerStore");
        assertMentions(problems, "io.spillway.schemas.CloudEventSerializer");
        assertTrue(problems.stream().noneMatch(problem -> problem.contains("io.spillway.schemas.JobEvent")),
                problems::toString);
    }

    @Test
    void aCycleBetweenTwoPackagesIsFound() {
        List<String> problems = tangled.problems(Rule.NO_PACKAGE_CYCLES, CLASSES);

        assertEquals(1, problems.size(), problems::toString);
        assertMentions(problems, "domain");
        assertMentions(problems, "persistence");
    }

    @Test
    void anAdapterUsingAnotherAdapterOrAnInboundPackageIsRefused() {
        List<String> problems = tangled.problems(Rule.ADAPTERS_STAY_APART, CLASSES);

        assertMentions(problems, TANGLED + ".s3.LedgerArchive");
        assertMentions(problems, TANGLED + ".messaging.LedgerConsumer");
        assertTrue(problems.stream().noneMatch(problem -> problem.contains("<" + TANGLED + ".domain.Ledger>")),
                problems::toString);
    }

    @Test
    void aServiceUsingAnotherServiceIsRefused() {
        List<String> problems = tangled.problems(Rule.SERVICES_STAY_APART, CLASSES);

        assertEquals(1, problems.size(), problems::toString);
        assertMentions(problems, TIDY + ".domain.Order");
    }

    @Test
    void aConfigurationMappingOutsideConfigIsRefused() {
        List<String> problems = tangled.problems(Rule.CONFIGURATION_IN_CONFIG, CLASSES);

        assertEquals(1, problems.size(), problems::toString);
        assertMentions(problems, TANGLED + ".TangledConfig");
    }

    @Test
    void aDomainOfAnotherNameIsHeldToTheSameRule() {
        List<String> problems = SpillwayArchitecture.service(TANGLED).withDomain("persistence")
                .problems(Rule.DOMAIN_IS_PURE, CLASSES);

        assertMentions(problems, TANGLED + ".s3.LedgerArchive");
    }

    @Test
    void aFrozenViolationIsToleratedAndOnlyThatOne() {
        SpillwayArchitecture frozen = tangled.freeze(Rule.ADAPTERS_STAY_APART, TANGLED + ".persistence",
                TANGLED + ".s3.LedgerArchive", "the fixture's known debt");

        List<String> problems = frozen.problems(Rule.ADAPTERS_STAY_APART, CLASSES);

        assertTrue(problems.stream().noneMatch(problem -> problem.contains(TANGLED + ".s3.LedgerArchive")),
                problems::toString);
        assertMentions(problems, TANGLED + ".messaging.LedgerConsumer");
    }

    @Test
    void aMisplacedClassCanBeFrozenUntilItMoves() {
        SpillwayArchitecture frozen = tangled.freeze(Rule.CONFIGURATION_IN_CONFIG, TANGLED + ".TangledConfig",
                "moves with the next change");

        assertEquals(List.of(), frozen.problems(Rule.CONFIGURATION_IN_CONFIG, CLASSES));
    }

    @Test
    void aFreezeThatCoversNothingAnyMoreFailsTheRule() {
        SpillwayArchitecture stale = tidy.freeze(Rule.CONFIGURATION_IN_CONFIG, TIDY + ".TidyConfig", "moved already");

        List<String> problems = stale.problems(Rule.CONFIGURATION_IN_CONFIG, CLASSES);

        assertEquals(1, problems.size(), problems::toString);
        assertMentions(problems, "no longer a violation");
    }

    @Test
    void aCycleCannotBeFrozen() {
        assertThrows(IllegalArgumentException.class,
                () -> tangled.freeze(Rule.NO_PACKAGE_CYCLES, TANGLED + ".domain", TANGLED + ".persistence", "no"));
    }

    @Test
    void aFailedRuleNamesTheServiceTheRuleAndEachViolation() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> tangled.check(Rule.SERVICES_STAY_APART, CLASSES));

        assertTrue(failure.getMessage().contains(TANGLED + " breaks the rule that"), failure::getMessage);
        assertTrue(failure.getMessage().contains(TIDY + ".domain.Order"), failure::getMessage);
    }

    private static void assertMentions(List<String> problems, String text) {
        assertTrue(problems.stream().anyMatch(problem -> problem.contains(text)), () -> text + " in " + problems);
    }
}

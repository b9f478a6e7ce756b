package io.spillway.intake;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spillway.intake");

    @Test
    void theDomainKnowsNoFrameworkBrokerOrDatabase() {
        noClasses().that().resideInAPackage("io.spillway.intake.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..",
                        "org.apache.kafka..", "jakarta..", "io.opentelemetry..", "io.spillway.kit..",
                        "io.spillway.intake.api..", "io.spillway.intake.persistence..", "io.spillway.intake.messaging..")
                .check(classes);
    }
}

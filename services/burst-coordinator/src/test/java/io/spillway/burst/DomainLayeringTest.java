package io.spillway.burst;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The domain stays pure: no framework, messaging, database or adapter types. */
class DomainLayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spillway.burst");

    @Test
    void domainDependsOnNoFrameworkOrAdapter() {
        noClasses().that().resideInAPackage("io.spillway.burst.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..",
                        "org.apache.kafka..", "java.sql..", "jakarta..", "org.eclipse.microprofile..",
                        "io.spillway.kit..", "io.spillway.schemas..", "io.spillway.burst.messaging..",
                        "io.spillway.burst.persistence..", "io.spillway.burst.api..", "io.spillway.burst.config..")
                .check(classes);
    }
}

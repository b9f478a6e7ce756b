package io.spillway.storage;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The domain stays pure: no framework, messaging, database or adapter types. */
class DomainLayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spillway.storage");

    @Test
    void domainDependsOnNoFrameworkOrAdapter() {
        noClasses().that().resideInAPackage("io.spillway.storage.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..",
                        "org.apache.kafka..", "java.sql..", "jakarta..", "org.eclipse.microprofile..",
                        "io.spillway.kit..", "io.spillway.schemas..", "io.spillway.storage.storage..",
                        "io.spillway.storage.persistence..",
                        "io.spillway.storage.messaging..", "io.spillway.storage.api..",
                        "io.spillway.storage.config..")
                .check(classes);
    }
}

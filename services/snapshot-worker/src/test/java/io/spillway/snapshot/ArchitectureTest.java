package io.spillway.snapshot;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The snapshot core stays pure: no framework, messaging, database, S3 SDK or adapter types. */
class DomainLayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spillway.snapshot");

    @Test
    void domainDependsOnNoFrameworkOrAdapter() {
        noClasses().that().resideInAPackage("io.spillway.snapshot.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..",
                        "org.apache.kafka..", "java.sql..", "jakarta..", "org.eclipse.microprofile..",
                        "software.amazon..", "com.fasterxml..", "io.spillway.kit..", "io.spillway.schemas..",
                        "io.spillway.snapshot.s3..", "io.spillway.snapshot.persistence..",
                        "io.spillway.snapshot.messaging..", "io.spillway.snapshot.config..")
                .check(classes);
    }
}

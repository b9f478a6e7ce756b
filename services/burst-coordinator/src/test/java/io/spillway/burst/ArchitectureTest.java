package io.spillway.burst.saga;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/** The saga core is plain Java: it depends on the JDK's java.* packages and on itself, nothing else. */
class SagaLayeringTest {

    private final JavaClasses saga = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.spillway.burst.saga");

    @Test
    void sagaDependsOnlyOnTheJdkAndItself() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.spillway.burst.saga..")
                .check(saga);
    }
}

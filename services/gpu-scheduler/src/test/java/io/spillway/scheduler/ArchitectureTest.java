package io.spillway.scheduler;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The scheduler's core stays free of frameworks, so it can be reasoned about and tested as plain Java. */
@AnalyzeClasses(packages = "io.spillway.scheduler", importOptions = ImportOption.DoNotIncludeTests.class)
class DomainIsPureTest {

    @ArchTest
    static final ArchRule domainUsesNoFramework = noClasses().that().resideInAPackage("io.spillway.scheduler.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..",
                    "org.apache.kafka..", "jakarta..", "io.opentelemetry..");

    @ArchTest
    static final ArchRule domainDependsOnlyOnTheJdkAndItself = classes().that()
            .resideInAPackage("io.spillway.scheduler.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.spillway.scheduler.domain..");
}

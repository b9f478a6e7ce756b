package io.spillway.scheduler;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.spillway.kit.architecture.SpillwayArchitecture;

/** gpu-scheduler holds to the architecture rules every service shares (CONTRIBUTING.md, "Layering"). */
class ArchitectureTest {

    @TestFactory
    Stream<DynamicTest> followsTheSharedArchitectureRules() {
        return SpillwayArchitecture.service("io.spillway.scheduler").tests();
    }
}

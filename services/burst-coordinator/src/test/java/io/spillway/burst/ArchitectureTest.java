package io.spillway.burst;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.spillway.kit.architecture.SpillwayArchitecture;

/** burst-coordinator holds to the architecture rules every service shares (CONTRIBUTING.md, "Layering"). */
class ArchitectureTest {

    @TestFactory
    Stream<DynamicTest> followsTheSharedArchitectureRules() {
        // Its domain is the saga, and the package keeps the name that says so.
        return SpillwayArchitecture.service("io.spillway.burst").withDomain("saga").tests();
    }
}

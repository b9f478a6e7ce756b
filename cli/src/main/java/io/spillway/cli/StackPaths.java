package io.spillway.cli;

import java.nio.file.Path;

/** Where the local stack keeps its state: {@code .spillway/} under the project root. */
record StackPaths(Path projectRoot) {

    static StackPaths fromEnvironment() {
        String home = System.getenv("SPILLWAY_HOME");
        return new StackPaths(Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize());
    }

    Path state() {
        return projectRoot.resolve(".spillway");
    }

    Path platform() {
        return state().resolve("platform");
    }

    Path logs() {
        return state().resolve("logs");
    }

    Path pids() {
        return state().resolve("pids");
    }

    Path pidFile(String service) {
        return pids().resolve(service + ".pid");
    }
}

package io.spillway.cli;

import java.nio.file.Path;
import java.util.Map;

/** Where the local stack keeps its state: {@code .spillway/} under the project root. */
record StackPaths(Path projectRoot) {

    static StackPaths fromEnvironment() {
        return from(System.getenv());
    }

    /** {@code SPILLWAY_HOME}, or the current directory; {@code bin/spillway} sets it to the repository root. */
    static StackPaths from(Map<String, String> env) {
        String home = env.get("SPILLWAY_HOME");
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

    /** The tokens {@code spillway up} generates; kept across {@code down}/{@code up}, as the database is. */
    Path credentials() {
        return state().resolve("credentials");
    }
}

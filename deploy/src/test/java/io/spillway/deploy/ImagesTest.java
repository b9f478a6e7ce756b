package io.spillway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each service's Dockerfile against the build it packages, checked without a Docker engine (none runs here): what it
 * copies exists in the packaged output, its runtime stage runs as a user other than root and holds no build tools,
 * and it exposes the port the service listens on. An image and the build cannot drift apart unnoticed.
 */
class ImagesTest {

    /** Base images that carry a JDK's compiler, Maven or Gradle: build stages, never the runtime. */
    private static final Pattern BUILD_IMAGE = Pattern.compile(
            "(maven|gradle|(^|/)openjdk-\\d+(?!-runtime)(:|$)|-jdk(?!-headless)|jdk:|eclipse-temurin:\\d+-jdk|golang|node:)");
    /** Build tools a runtime stage must not install. */
    private static final Pattern BUILD_TOOL = Pattern.compile(
            "\\b(maven|gradle|gcc|g\\+\\+|make|git|java-\\d+-openjdk-devel|openjdk-\\d+-jdk|build-essential)\\b");

    static List<String> services() {
        return Project.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void copiesOnlyWhatThePackagedServiceHolds(String service) {
        Path context = Project.service(service);
        Path quarkusApp = context.resolve("target/quarkus-app");
        assertTrue(Files.isRegularFile(quarkusApp.resolve("quarkus-run.jar")),
                service + " is not packaged (run mvn -B package): " + quarkusApp);
        List<String> copies = runtimeStage(service).stream().filter(line -> line.startsWith("COPY ")).toList();
        assertFalse(copies.isEmpty(), service + "'s Dockerfile copies nothing");
        List<String> missing = new ArrayList<>();
        for (String copy : copies) {
            List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
            words.remove(0);
            words.removeIf(word -> word.startsWith("--chown") || word.startsWith("--chmod"));
            assertFalse(words.stream().anyMatch(word -> word.startsWith("--from")), "single-stage: " + copy);
            for (String source : words.subList(0, words.size() - 1)) {
                if (!exists(context, source)) {
                    missing.add(source);
                }
            }
        }
        assertEquals(List.of(), missing, service + "'s Dockerfile copies what `mvn package` does not make");
        // The layers together are the whole fast-jar: nothing the service needs is left behind.
        for (String part : List.of("lib/", "app/", "quarkus/", "*.jar")) {
            assertTrue(copies.stream().anyMatch(copy -> copy.contains("target/quarkus-app/" + part)),
                    service + " copies target/quarkus-app/" + part);
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void runtimeStageRunsAsNonRootWithoutBuildTools(String service) {
        List<String> stage = runtimeStage(service);
        String from = stage.get(0).substring("FROM ".length()).trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
        assertFalse(BUILD_IMAGE.matcher(from).find(), service + "'s runtime base holds build tools: " + from);
        assertTrue(from.matches(".+:[\\w.-]+"), service + "'s base image is pinned to a tag: " + from);
        for (String line : stage) {
            if (line.startsWith("RUN ")) {
                assertFalse(BUILD_TOOL.matcher(line).find(), service + " installs a build tool: " + line);
            }
            assertFalse(line.startsWith("ADD ") && line.contains("://"), service + " downloads at build: " + line);
        }
        List<String> users = stage.stream().filter(line -> line.startsWith("USER ")).toList();
        assertFalse(users.isEmpty(), service + " sets no USER: it would run as root");
        String user = users.get(users.size() - 1).substring("USER ".length()).trim().split(":")[0];
        assertFalse(user.equals("root") || user.equals("0"), service + " runs as " + user);
        assertTrue(stage.stream().anyMatch(line -> line.startsWith("ENTRYPOINT ") || line.startsWith("CMD ")));
    }

    @ParameterizedTest
    @MethodSource("services")
    void exposesThePortTheServiceListensOnAndKeepsItsBuildContextSmall(String service) {
        String port = ServiceConfiguration.of(service, java.util.Map.of()).value("quarkus.http.port");
        List<String> exposed = runtimeStage(service).stream().filter(line -> line.startsWith("EXPOSE ")).toList();
        assertEquals(List.of("EXPOSE " + port), exposed, service);
        List<String> ignore = Project.read(Project.service(service).resolve(".dockerignore")).lines()
                .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertEquals(List.of("*", "!target/quarkus-app/"), ignore, service + "'s .dockerignore");
        String script = Project.read(Project.root().resolve("bin/build-images"));
        assertTrue(script.contains(service), "bin/build-images builds " + service);
    }

    /** The instructions of the last stage, continuation lines joined, comments dropped. */
    private static List<String> runtimeStage(String service) {
        Path dockerfile = Project.service(service).resolve("src/main/docker/Dockerfile.jvm");
        assertTrue(Files.isRegularFile(dockerfile), service + " has no " + dockerfile);
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Project.read(dockerfile).lines().toList()) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            current.append(trimmed.endsWith("\\") ? trimmed.substring(0, trimmed.length() - 1) + " " : trimmed);
            if (!trimmed.endsWith("\\")) {
                instructions.add(current.toString());
                current.setLength(0);
            }
        }
        int lastFrom = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).toUpperCase(Locale.ROOT).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        assertTrue(lastFrom >= 0, service + "'s Dockerfile has no FROM");
        return instructions.subList(lastFrom, instructions.size());
    }

    private static boolean exists(Path context, String source) {
        if (!source.contains("*")) {
            return Files.exists(context.resolve(source));
        }
        Path parent = context.resolve(source.substring(0, source.lastIndexOf('/') + 1));
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source.substring(source.lastIndexOf('/') + 1));
        try (Stream<Path> files = Files.list(parent)) {
            return files.anyMatch(file -> glob.matches(file.getFileName()));
        } catch (IOException e) {
            if (!Files.exists(parent)) {
                return false;
            }
            throw new UncheckedIOException(e);
        }
    }
}

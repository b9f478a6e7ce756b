package io.spillway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the tests find the tree they check: the project root, its services and their packaged output. */
final class Project {

    /** The five services, one image each. */
    static final List<String> SERVICES = List.of("job-intake", "gpu-scheduler", "storage-agent", "snapshot-worker",
            "burst-coordinator");

    /** Services that run once per site; the others are shared by every site. */
    static final List<String> SITE_SERVICES = List.of("gpu-scheduler", "storage-agent", "snapshot-worker");

    private Project() {
    }

    static Path root() {
        String configured = System.getProperty("spillway.project.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
            throw new IllegalStateException("not the project root (no docker-compose.yml): " + root);
        }
        return root;
    }

    static Path service(String service) {
        return root().resolve("services").resolve(service);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

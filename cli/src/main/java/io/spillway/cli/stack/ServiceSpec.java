package io.spillway.cli.stack;

import java.util.Map;

/**
 * How to run one service of the stack: its name, its built jar (relative to the project root), its HTTP port and
 * its configuration (Quarkus properties).
 */
public record ServiceSpec(String name, String jar, int port, int heapMiB, Map<String, String> config) {

    public ServiceSpec {
        config = Map.copyOf(config);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }
}

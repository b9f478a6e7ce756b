package io.spillway.kit.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import io.spillway.testing.PlatformTestResource;

/** The shared platform's database, and {@code kafka.bootstrap.servers} pointing at a port where nothing listens. */
public class ClosedKafkaPortResource extends PlatformTestResource {

    static String bootstrapServers;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            bootstrapServers = "127.0.0.1:" + KafkaProbeIT.closedPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("kafka.bootstrap.servers", bootstrapServers);
        return config;
    }
}

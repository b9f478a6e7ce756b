package io.spillway.snapshot.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotWorkerConfigTest {

    @Test
    void aWorkerServesItsOwnSiteUnlessToldOtherwise() {
        assertEquals(List.of("cloud"), snapshot(Map.of("spillway.site", "cloud")).serves());
    }

    @Test
    void aWorkerServesTheSitesItIsGiven() {
        assertEquals(List.of("onprem", "cloud"), snapshot(Map.of("spillway.site", "cloud",
                "spillway.snapshot.serves", "onprem,cloud")).serves());
    }

    private static SnapshotWorkerConfig.Snapshot snapshot(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                // Quarkus' converter, for the mapping's defaults such as 2s.
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(SnapshotWorkerConfig.Snapshot.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(SnapshotWorkerConfig.Snapshot.class);
    }
}

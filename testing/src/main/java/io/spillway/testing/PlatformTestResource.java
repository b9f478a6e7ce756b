package io.spillway.testing;

import java.util.Map;

import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.platform.Platform;

/**
 * Quarkus test resource that points the application under test at {@link TestPlatform#shared()} and injects a
 * {@link KafkaCompanion} on its broker into fields annotated {@link InjectKafkaCompanion}. The platform
 * stays up for the rest of the JVM, so every test class of a module shares one broker, database and store.
 */
public class PlatformTestResource extends KafkaCompanionResource {

    @Override
    public Map<String, String> start() {
        Platform platform = TestPlatform.shared();
        companion = new KafkaCompanion(platform.kafkaBootstrapServers());
        return withServiceCredential(platform.quarkusConfig());
    }

    @Override
    public void stop() {
        closeCompanion();
    }
}

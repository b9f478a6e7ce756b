package io.spillway.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.platform.Platform;

/**
 * Quarkus test resource that points the application under test at {@link TestPlatform#shared()} and injects a
 * {@link KafkaCompanion} on its broker into fields annotated {@link InjectKafkaCompanion}. The platform
 * stays up for the rest of the JVM, so every test class of a module shares one broker, database and store.
 */
public class PlatformTestResource implements QuarkusTestResourceLifecycleManager {

    private KafkaCompanion companion;

    @Override
    public Map<String, String> start() {
        Platform platform = TestPlatform.shared();
        companion = new KafkaCompanion(platform.kafkaBootstrapServers());
        Map<String, String> config = new java.util.LinkedHashMap<>(platform.quarkusConfig());
        // The services' internal APIs need the service credential; ServiceCalls sends this one.
        config.put("spillway.auth.service-token", ServiceCalls.TOKEN);
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(companion,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaCompanion.class, KafkaCompanion.class));
    }

    @Override
    public void stop() {
        if (companion != null) {
            companion.close();
            companion = null;
        }
    }
}

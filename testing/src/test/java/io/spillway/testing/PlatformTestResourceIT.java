package io.spillway.testing;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager.TestInjector;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.platform.Platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The JUnit extension and the Quarkus test resource, both on the one platform of this test JVM. */
@ExtendWith(PlatformExtension.class)
class PlatformTestResourceIT {

    @Test
    void theExtensionInjectsTheOnePlatformOfThisJvm(Platform platform) {
        assertSame(TestPlatform.shared(), platform);
    }

    @Test
    void quarkusTestResourceInjectsAKafkaCompanionOnTheRealBroker(Platform platform) {
        PlatformTestResource resource = new PlatformTestResource();
        Map<String, String> config = resource.start();
        try {
            // Exactly the platform's settings, plus the service credential that ServiceCalls sends.
            Map<String, String> expected = new LinkedHashMap<>(platform.quarkusConfig());
            expected.put("spillway.auth.service-token", ServiceCalls.TOKEN);
            assertEquals(expected, config);
            CompanionHolder holder = new CompanionHolder();
            resource.inject(new FieldInjector(holder));
            assertNotNull(holder.companion);

            String topic = "platform-it-companion-" + UUID.randomUUID();
            holder.companion.produceStrings().fromRecords(new ProducerRecord<>(topic, "k", "v")).awaitCompletion();
            assertEquals("v",
                    holder.companion.consumeStrings().fromTopics(topic, 1).awaitCompletion().getFirstRecord().value());
        } finally {
            resource.stop();
        }
    }

    static final class CompanionHolder {
        @InjectKafkaCompanion
        KafkaCompanion companion;
    }

    /** What Quarkus's test framework does with a test instance, minus Quarkus. */
    private record FieldInjector(Object target) implements TestInjector {
        @Override
        public void injectIntoFields(Object value, Predicate<Field> predicate) {
            for (Field field : target.getClass().getDeclaredFields()) {
                if (predicate.test(field)) {
                    try {
                        field.setAccessible(true);
                        field.set(target, value);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }
}

package io.spillway.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.spillway.schemas.CloudEvent;

/**
 * The base of an integration test that sends Spillway events to a service and reads its answers on one topic: each
 * test gets a fresh watch of that topic from its beginning, closed after it. Use with
 * {@code @WithTestResource(PlatformTestResource.class)}, which injects {@link #kafka}.
 */
public abstract class TopicWatchingTest {

    @InjectKafkaCompanion
    protected KafkaCompanion kafka;
    protected TestEvents events;
    /** Every record of the watched topic since the test began watching, in order. */
    protected ConsumerTask<String, CloudEvent> answers;

    private final String topic;

    protected TopicWatchingTest(String topic) {
        this.topic = topic;
    }

    @BeforeEach
    void watchAnswers() {
        events = new TestEvents(kafka);
        answers = events.watch(topic);
    }

    @AfterEach
    void stopWatching() {
        answers.close();
    }
}

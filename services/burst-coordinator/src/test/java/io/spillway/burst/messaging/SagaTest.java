package io.spillway.burst.messaging;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.vertx.mutiny.pgclient.PgPool;

/** The base of a saga integration test: a fresh {@link SagaHarness} on the real broker and database per test. */
abstract class SagaTest {

    @InjectKafkaCompanion
    KafkaCompanion kafka;

    @Inject
    PgPool pool;

    SagaHarness harness;

    @BeforeEach
    void watch() {
        harness = new SagaHarness(kafka, pool);
    }

    @AfterEach
    void stopWatching() {
        harness.close();
    }
}

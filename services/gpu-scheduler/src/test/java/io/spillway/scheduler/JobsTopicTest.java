package io.spillway.scheduler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** The base of a scheduler integration test that submits jobs and reads their events: a fresh topic watch per test. */
abstract class JobsTopicTest {

    @InjectKafkaCompanion
    KafkaCompanion companion;

    JobsTopic jobs;

    private final String site;

    JobsTopicTest(String site) {
        this.site = site;
    }

    @BeforeEach
    void readTheJobsTopic() {
        jobs = new JobsTopic(companion, site);
    }

    @AfterEach
    void stopReading() {
        jobs.close();
    }
}

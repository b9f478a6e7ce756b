package io.spillway.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spillway.schemas.EventContractException.Reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventContractTest {

    private final EventCodec codec = EventCodec.shared();
    private final CloudEventSerializer serializer = new CloudEventSerializer();
    private final CloudEventDeserializer deserializer = new CloudEventDeserializer();

    static Stream<Arguments> samples() {
        return SampleEvents.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Test
    void everyEventTypeHasASampleAndASchemaFile() {
        assertEquals(EnumSet.allOf(EventType.class), SampleEvents.all().keySet(),
                "every event type needs a sample in SampleEvents");
        for (EventType type : EventType.values()) {
            assertNotNull(EventCodec.class.getResource(type.schemaResource()), type.schemaResource());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyEventRoundTripsThroughKafkaBinaryModeUnchanged(EventType type, SpillwayEvent event) {
        CloudEvent sent = CloudEvent.of(CloudEvent.source("onprem", "gpu-scheduler"), event,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        RecordHeaders headers = new RecordHeaders();

        byte[] value = serializer.serialize(type.topic(), headers, sent);
        CloudEvent received = deserializer.deserialize(type.topic(), headers, value);

        assertEquals(sent, received);
        assertEquals(type.ceType(), header(headers, CloudEventHeaders.TYPE));
        assertEquals("io.spillway." + event.getClass().getSimpleName() + ".v1", type.ceType());
        assertEquals(event.subject(), header(headers, CloudEventHeaders.SUBJECT));
        assertEquals("1.0", header(headers, CloudEventHeaders.SPEC_VERSION));
        assertEquals(sent.traceparent(), header(headers, CloudEventHeaders.TRACEPARENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyEventValidatesAgainstItsSchemaAndCarriesExactlyItsRecordComponents(EventType type,
            SpillwayEvent event) {
        JsonNode json = codec.validate(type.ceType(), codec.encode(event));

        Set<String> fields = new HashSet<>();
        json.fieldNames().forEachRemaining(fields::add);
        Set<String> components = Arrays.stream(event.getClass().getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toSet());
        assertEquals(components, fields, "JSON fields of " + type.eventName());
        JsonNode schema = schemaOf(type);
        Set<String> schemaProperties = new HashSet<>();
        schema.get("properties").fieldNames().forEachRemaining(schemaProperties::add);
        assertEquals(components, schemaProperties, "schema properties of " + type.eventName());
    }

    @Test
    void ceTimeIsWrittenAsRfc3339WithSecondsEvenWhenTheyAreZero() {
        CloudEvent sent = new CloudEvent("id-1", "/ci", java.time.OffsetDateTime.parse("2026-11-29T11:00+01:00"), null,
                new JobEvent.JobCancelled("job-1", null, null));
        RecordHeaders headers = new RecordHeaders();

        byte[] value = serializer.serialize(Topics.JOBS, headers, sent);

        assertEquals("2026-11-29T10:00:00Z", header(headers, CloudEventHeaders.TIME));
        assertEquals(sent.time().toInstant(),
                deserializer.deserialize(Topics.JOBS, headers, value).time().toInstant());
    }

    @Test
    void dataThatBreaksItsSchemaIsRefusedNamingTheField() {
        ObjectNode json = codec.mapper().valueToTree(SampleEvents.all().get(EventType.JOB_SUBMITTED));
        ((ObjectNode) json.get("spec")).put("gpu", -1);
        json.remove("site");

        EventContractException error = assertThrows(EventContractException.class,
                () -> codec.decode(EventType.JOB_SUBMITTED.ceType(), bytes(json.toString())));

        assertEquals(Reason.SCHEMA_VIOLATION, error.reason());
        assertEquals(EventType.JOB_SUBMITTED.ceType(), error.ceType());
        assertTrue(error.getMessage().contains("site"), error.getMessage());
        assertTrue(error.getMessage().contains("gpu"), error.getMessage());
    }

    @Test
    void aProducerCannotEmitAnEventThatBreaksItsSchema() {
        JobEvent.JobPending blankReason = new JobEvent.JobPending("job-1", "onprem", "");

        EventContractException error = assertThrows(EventContractException.class, () -> codec.encode(blankReason));

        assertEquals(Reason.SCHEMA_VIOLATION, error.reason());
        assertTrue(error.getMessage().contains("reason"), error.getMessage());
    }

    @Test
    void aProjectWithoutLimitOrDepartmentIsValidAndKeepsThemAbsent() {
        ProjectEvent.ProjectUpdated unlimited = new ProjectEvent.ProjectUpdated("default", 0, 1, null, null);

        SpillwayEvent decoded = codec.decode(EventType.PROJECT_UPDATED.ceType(), codec.encode(unlimited));

        assertEquals(unlimited, decoded);
        assertEquals("default", decoded.subject());
    }

    @Test
    void aProjectUpdateWithNegativeSharesIsRefusedNamingTheFields() {
        ProjectEvent.ProjectUpdated negative = new ProjectEvent.ProjectUpdated("vision", -1, 1, -2.0, null);

        EventContractException error = assertThrows(EventContractException.class, () -> codec.encode(negative));

        assertEquals(Reason.SCHEMA_VIOLATION, error.reason());
        assertTrue(error.getMessage().contains("deservedGpus"), error.getMessage());
        assertTrue(error.getMessage().contains("limitGpus"), error.getMessage());
    }

    @Test
    void unknownTypeIsRefusedByName() {
        RecordHeaders headers = headers("io.spillway.JobTeleported.v1");

        EventContractException error = assertThrows(EventContractException.class,
                () -> deserializer.deserialize(Topics.JOBS, headers, bytes("{\"jobId\":\"j\"}")));

        assertEquals(Reason.UNKNOWN_TYPE, error.reason());
        assertTrue(error.getMessage().contains("io.spillway.JobTeleported.v1"), error.getMessage());
    }

    @Test
    void malformedJsonIsRefused() {
        RecordHeaders headers = headers(EventType.JOB_CANCELLED.ceType());

        EventContractException error = assertThrows(EventContractException.class,
                () -> deserializer.deserialize(Topics.JOBS, headers, bytes("{\"jobId\": \"j\",")));

        assertEquals(Reason.MALFORMED_JSON, error.reason());
        assertTrue(error.getMessage().contains("not valid JSON"), error.getMessage());
    }

    @Test
    void missingIdHeaderIsRefused() {
        RecordHeaders headers = headers(EventType.JOB_CANCELLED.ceType());
        headers.remove(CloudEventHeaders.ID);

        EventContractException error = assertThrows(EventContractException.class,
                () -> deserializer.deserialize(Topics.JOBS, headers, bytes("{\"jobId\":\"j\"}")));

        assertEquals(Reason.MISSING_HEADER, error.reason());
        assertTrue(error.getMessage().contains("ce_id"), error.getMessage());
    }

    @Test
    void unknownFieldsAreIgnoredSoV1CanGrowAdditively() {
        SpillwayEvent event = codec.decode(EventType.JOB_CANCELLED.ceType(),
                bytes("{\"jobId\":\"job-7\",\"reason\":\"done\",\"addedLater\":{\"x\":1}}"));

        assertEquals(new JobEvent.JobCancelled("job-7", "done", null), event);
    }

    @Test
    void aBurstCandidateWithoutItsShapeIsReadAsAnOlderSchedulerMeantIt() {
        QueueEvent.QueueThresholdExceeded event = codec.decode(QueueEvent.QueueThresholdExceeded.class,
                bytes("{\"site\":\"onprem\",\"waiting\":12,\"threshold\":10,\"candidates\":"
                        + "[{\"jobId\":\"job-1\",\"project\":\"vision\",\"gpus\":2}]}"));

        BurstCandidate candidate = event.candidates().get(0);
        assertEquals(new BurstCandidate("job-1", "vision", 2, List.of()), candidate);
        assertTrue(candidate.mayRunAtHome(), "a candidate that does not say could run at home");
    }

    @Test
    void aBurstCandidateCarriesWhatABurstSiteMustOffer() {
        BurstCandidate gang = new BurstCandidate("job-2", "vision", 16, List.of("datasets"), "h200", 8.0, 2, false);
        QueueEvent.QueueThresholdExceeded sent = new QueueEvent.QueueThresholdExceeded("onprem", 12, 10, List.of(gang));

        QueueEvent.QueueThresholdExceeded received = codec.decode(QueueEvent.QueueThresholdExceeded.class,
                codec.encode(sent));

        assertEquals(sent, received);
        assertFalse(received.candidates().get(0).mayRunAtHome());
        JsonNode candidate = codec.validate(EventType.QUEUE_THRESHOLD_EXCEEDED.ceType(), codec.encode(sent))
                .get("candidates").get(0);
        assertEquals("h200", candidate.get("nodePool").asText());
        assertEquals(2, candidate.get("workers").asInt());
    }

    @Test
    void topicsFollowTheEntityStreams() {
        Map<EventType, SpillwayEvent> all = SampleEvents.all();
        for (Iterator<EventType> it = all.keySet().iterator(); it.hasNext();) {
            EventType type = it.next();
            SpillwayEvent event = all.get(type);
            String expected = event instanceof JobEvent ? Topics.JOBS
                    : event instanceof QueueEvent ? Topics.QUEUES
                            : event instanceof StorageEvent ? Topics.SNAPSHOTS
                                    : event instanceof ProjectEvent ? Topics.PROJECTS : Topics.BURSTS;
            assertEquals(expected, event.topic(), type.eventName());
        }
    }

    private JsonNode schemaOf(EventType type) {
        try (var in = EventCodec.class.getResourceAsStream(type.schemaResource())) {
            return codec.mapper().readTree(in);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static RecordHeaders headers(String ceType) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, bytes("id-1"));
        headers.add(CloudEventHeaders.SOURCE, bytes("/sites/onprem/test"));
        headers.add(CloudEventHeaders.TYPE, bytes(ceType));
        return headers;
    }

    private static String header(RecordHeaders headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.spillway.burst.persistence;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.Volume;

/**
 * How a {@link BurstState} is stored: a JSON object whose field names are the saga records' component names
 * ({@code burstId}, {@code data[].snapshotId}, {@code jobs[].results[]}...), times as ISO-8601 strings. Renaming a
 * component of the saga's records changes the stored format and needs a migration; adding one does not (unknown
 * fields are ignored, missing ones read as null, 0 or false).
 */
final class StoredBurstState {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<List<Volume>> VOLUMES = new TypeReference<>() {
    };

    private StoredBurstState() {
    }

    static Map<String, Object> write(BurstState state) {
        return MAPPER.convertValue(state, OBJECT);
    }

    static BurstState read(Map<String, Object> stored) {
        return MAPPER.convertValue(stored, BurstState.class);
    }

    static Map<String, Object> writeVolumes(List<Volume> volumes) {
        return Map.of("mounts", MAPPER.convertValue(volumes, new TypeReference<List<Object>>() {
        }));
    }

    static List<Volume> readVolumes(Map<String, Object> stored) {
        return MAPPER.convertValue(stored.getOrDefault("mounts", List.of()), VOLUMES);
    }
}

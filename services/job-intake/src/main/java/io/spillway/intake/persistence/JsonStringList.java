package io.spillway.intake.persistence;

import java.util.List;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.spillway.schemas.EventCodec;

/**
 * A list of strings kept as a JSON array in a text column: this Hibernate Reactive version reads JSON columns into
 * objects only, and a list is not one.
 */
@Converter
public class JsonStringList implements AttributeConverter<List<String>, String> {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(List<String> values) {
        try {
            return EventCodec.shared().mapper().writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serializes", e);
        }
    }

    @Override
    public List<String> convertToEntityAttribute(String column) {
        try {
            return column == null ? List.of() : List.copyOf(EventCodec.shared().mapper().readValue(column, STRINGS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("priority paths in the database are not a JSON array: " + column, e);
        }
    }
}

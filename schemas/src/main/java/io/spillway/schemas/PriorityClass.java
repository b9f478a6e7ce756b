package io.spillway.schemas;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Priority classes of jobs, highest last in preemption order: only {@code train} may be preempted or run over quota. */
public enum PriorityClass {
    TRAIN,
    BUILD,
    INTERACTIVE,
    INFERENCE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static PriorityClass fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Whether jobs of this class may be preempted (and therefore may run over their project's quota). */
    public boolean preemptible() {
        return this == TRAIN;
    }
}

package io.spillway.schemas;

/** An event that does not honour the contract: why, in words a producer can act on, and for which type. */
public class EventContractException extends RuntimeException {

    /** What is wrong with the event. */
    public enum Reason {
        /** A required CloudEvents header ({@code ce_type}, {@code ce_id}...) is absent. */
        MISSING_HEADER,
        /** {@code ce_type} names no known event type. */
        UNKNOWN_TYPE,
        /** The data is not JSON at all. */
        MALFORMED_JSON,
        /** The data is JSON but breaks the event's schema. */
        SCHEMA_VIOLATION
    }

    private final Reason reason;
    private final String ceType;

    public EventContractException(Reason reason, String ceType, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.ceType = ceType;
    }

    public EventContractException(Reason reason, String ceType, String message) {
        this(reason, ceType, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The {@code ce_type} of the offending event, or {@code null} when it had none. */
    public String ceType() {
        return ceType;
    }
}

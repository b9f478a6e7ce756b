package io.spillway.kit.api;

import java.util.List;

/**
 * The body of every error answer of Spillway's APIs.
 *
 * @param violations the fields of the request that are wrong, and why; empty when the error is not about a field
 */
public record ApiError(int status, String error, List<FieldError> violations) {

    public ApiError {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }

    /** A 400 about one field. */
    public static ApiError invalid(String field, String message) {
        return new ApiError(400, "the request is invalid", List.of(new FieldError(field, message)));
    }

    /** One field of the request and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}

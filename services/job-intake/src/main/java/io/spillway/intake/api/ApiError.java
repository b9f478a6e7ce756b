package io.spillway.intake.api;

import java.util.List;

import io.spillway.intake.domain.Violation;

/** The body of every error answer: what went wrong, and for bad input each field with the rule it broke. */
public record ApiError(int status, String error, List<Violation> violations) {

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }
}

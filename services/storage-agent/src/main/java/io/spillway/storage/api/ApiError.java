package io.spillway.storage.api;

import java.util.List;

/**
 * The body of every error answer: what went wrong, and for bad input each field with the rule it broke. The same
 * shape as job-intake's, kept here so the agent depends on no other service.
 */
public record ApiError(int status, String error, List<Violation> violations) {

    public static ApiError of(int status, String error) {
        return new ApiError(status, error, List.of());
    }

    /** One field of the request and what is wrong with it. */
    public record Violation(String field, String message) {
    }
}

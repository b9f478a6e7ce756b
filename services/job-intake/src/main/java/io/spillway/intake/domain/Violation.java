package io.spillway.intake.domain;

/** One broken rule of a request: the field (JSON path) and what it must be. */
public record Violation(String field, String message) {
}

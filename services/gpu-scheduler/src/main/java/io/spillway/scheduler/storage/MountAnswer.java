package io.spillway.scheduler.storage;

import java.io.IOException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.kit.api.ApiError;

/** What the storage-agent answered to a request for one mount. */
public sealed interface MountAnswer {

    /** The mount is recorded: the directory (local mode) or claim (Kubernetes) the job mounts. */
    record Granted(String hostPath, String claimName) implements MountAnswer {
    }

    /**
     * The storage-agent will not grant this mount (unknown filesystem, a sub-path that leaves it): asking again will
     * not help, the job cannot run here.
     */
    record Refused(String message) implements MountAnswer {
    }

    /** The storage-agent did not answer, or failed on its side: the job may run once it answers again. */
    record Unreachable(String message) implements MountAnswer {
    }

    /** Reads an answer of {@code POST /api/v1/filesystems/{fs}/mounts}. */
    static MountAnswer of(int status, String body, ObjectMapper json) {
        if (status == 200 || status == 201) {
            try {
                JsonNode mount = json.readTree(body);
                String hostPath = mount.path("hostPath").asText(null);
                String claimName = mount.path("claimName").asText(null);
                if (hostPath != null && claimName != null) {
                    return new Granted(hostPath, claimName);
                }
            } catch (IOException e) {
                // Falls through: an answer we cannot read is the agent's fault, not the job's.
            }
            return new Unreachable("storage-agent answered " + status + " without a mount: " + body);
        }
        if (status >= 400 && status < 500) {
            return new Refused(errorMessage(status, body, json));
        }
        return new Unreachable("storage-agent answered " + status + ": " + errorMessage(status, body, json));
    }

    /** The error's own words: each wrong field with its message, else the error line, else the raw body. */
    static String errorMessage(int status, String body, ObjectMapper json) {
        try {
            ApiError error = json.readValue(body, ApiError.class);
            if (!error.violations().isEmpty()) {
                return error.violations().stream().map(violation -> violation.field() + ": " + violation.message())
                        .collect(Collectors.joining("; "));
            }
            if (error.error() != null && !error.error().isBlank()) {
                return error.error();
            }
        } catch (IOException | RuntimeException e) {
            // Not Spillway's error shape (a proxy's page, say): the body is all there is.
        }
        return body == null || body.isBlank() ? "HTTP " + status : body.strip();
    }
}

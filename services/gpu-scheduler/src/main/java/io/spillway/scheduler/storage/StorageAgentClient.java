package io.spillway.scheduler.storage;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.kit.security.ServiceCredential;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.schemas.VolumeMount;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Talks to this site's storage-agent ({@code spillway.scheduler.storage-url}): asks for the mount of a job's volume
 * before the job starts and releases it when the job ends. Its calls block (up to {@code storage-timeout}): they are
 * made from the scheduler loop's own thread, which waits on the database the same way.
 */
@ApplicationScoped
public class StorageAgentClient {

    private final Optional<String> baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final ServiceCredential credential;

    public StorageAgentClient(Vertx vertx, SchedulerConfig config, ServiceCredential credential) {
        this.credential = credential;
        this.baseUrl = config.storageUrl().map(URI::toString)
                .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.timeout = config.storageTimeout();
        this.http = vertx.createHttpClient();
    }

    /** Whether this site has a storage-agent to ask; without one, executors find filesystems themselves. */
    public boolean configured() {
        return baseUrl.isPresent();
    }

    /** Where the storage-agent is, for messages. */
    public String url() {
        return baseUrl.orElse("(none)");
    }

    /** Asks for the mount of {@code volume} held by {@code jobId}; asking again for the same one is harmless. */
    public MountAnswer mount(String jobId, VolumeMount volume) {
        String body;
        try {
            body = json.writeValueAsString(Map.of("jobId", jobId,
                    "subpath", volume.subPath() == null ? "" : volume.subPath(), "readOnly", volume.readOnly()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a mount request", e);
        }
        try {
            Answer answer = call(HttpMethod.POST, "/api/v1/filesystems/" + segment(volume.filesystem()) + "/mounts", body);
            return MountAnswer.of(answer.status(), answer.body(), json);
        } catch (RuntimeException e) {
            return new MountAnswer.Unreachable("storage-agent at " + url() + " does not answer: " + describe(e));
        }
    }

    /**
     * Releases every mount {@code jobId} holds of {@code filesystem}. A mount that is not there (released before, or
     * never granted) counts as released.
     *
     * @return empty when released, else why not (the agent did not answer or failed)
     */
    public Optional<String> release(String jobId, String filesystem) {
        try {
            Answer answer = call(HttpMethod.DELETE, "/api/v1/filesystems/" + segment(filesystem) + "/mounts/" + segment(jobId),
                    null);
            if (answer.status() == 204 || answer.status() == 200 || answer.status() == 404) {
                return Optional.empty();
            }
            return Optional.of("storage-agent answered " + answer.status() + ": "
                    + MountAnswer.errorMessage(answer.status(), answer.body(), json));
        } catch (RuntimeException e) {
            return Optional.of("storage-agent at " + url() + " does not answer: " + describe(e));
        }
    }

    private Answer call(HttpMethod method, String path, String body) {
        RequestOptions request = credential.authorize(new RequestOptions().setMethod(method)
                .setAbsoluteURI(baseUrl.orElseThrow() + path)
                .setTimeout(timeout.toMillis()));
        if (body != null) {
            request.putHeader("Content-Type", "application/json");
        }
        return http.request(request)
                .chain(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                .chain(response -> response.body()
                        .map(content -> new Answer(response.statusCode(), content.toString())))
                .await().atMost(timeout.plusSeconds(1));
    }

    /** A name from a job's spec as one path segment: it must not add segments of its own. */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The innermost cause's words ("Connection refused: /127.0.0.1:8083"), not the wrappers around them. */
    private static String describe(RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    private record Answer(int status, String body) {
    }
}

package io.spillway.intake.snapshots;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.kit.security.ServiceCredential;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Asks a site's snapshot-worker to check the snapshot repository: every pack readable, every chunk's hash, every
 * snapshot's chunks present. Sites are {@code spillway.intake.sites.<site>.snapshot-worker-url}.
 */
@ApplicationScoped
public class SnapshotWorkerClient {

    /** Reading every pack of a large repository takes long; the worker answers when it is done. */
    static final Duration CHECK_TIMEOUT = Duration.ofHours(2);

    private final HttpClient http;
    private final Map<String, String> workerUrls;
    private final ServiceCredential credential;

    public SnapshotWorkerClient(Vertx vertx, IntakeConfig config, ServiceCredential credential) {
        this.http = vertx.createHttpClient();
        this.credential = credential;
        Map<String, String> urls = new TreeMap<>();
        config.sites().forEach((site, settings) -> settings.snapshotWorkerUrl().map(Object::toString)
                .filter(url -> !url.isBlank())
                .ifPresent(url -> urls.put(site, url.endsWith("/") ? url.substring(0, url.length() - 1) : url)));
        this.workerUrls = Map.copyOf(urls);
    }

    /** The worker's answer as it gave it: its status and its JSON body. */
    public record Answer(int status, byte[] body) {
    }

    /** Runs a check at {@code site}'s worker; empty when no worker is configured there. */
    public Optional<Uni<Answer>> check(String site, byte[] body) {
        String base = workerUrls.get(site);
        if (base == null) {
            return Optional.empty();
        }
        RequestOptions request = credential.authorize(new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + "/api/v1/snapshots/check")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .setIdleTimeout(CHECK_TIMEOUT.toSeconds()));
        return Optional.of(http.request(request)
                .chain(req -> req.send(Buffer.buffer(body == null ? new byte[0] : body)))
                .chain(response -> response.body().map(answer -> new Answer(response.statusCode(),
                        answer.getBytes()))));
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }
}

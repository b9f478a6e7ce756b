package io.spillway.intake.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.intake.domain.ClusterShape;
import io.spillway.kit.security.ServiceCredential;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Talks to each site's gpu-scheduler: the output of the jobs it runs, and its GPU capacity. Sites are
 * {@link IntakeConfig#sites()}: {@code spillway.intake.sites.<site>.scheduler-url}.
 */
@ApplicationScoped
public class SchedulerClient {

    private static final Duration CAPACITY_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SHAPE_MAX_AGE = Duration.ofSeconds(15);
    /** How long an incomplete answer (a site down) stands before the sites are asked again. */
    static final Duration UNKNOWN_SHAPE_MAX_AGE = Duration.ofSeconds(5);

    private final HttpClient http;
    private final Map<String, String> schedulerUrls;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ServiceCredential credential;
    private volatile CachedShape shape;

    public SchedulerClient(Vertx vertx, IntakeConfig config, ServiceCredential credential) {
        this.credential = credential;
        this.http = vertx.createHttpClient();
        Map<String, String> urls = new TreeMap<>();
        config.sites().forEach((site, settings) -> settings.schedulerUrl()
                .ifPresent(url -> urls.put(site, stripSlash(url.toString()))));
        this.schedulerUrls = Map.copyOf(urls);
    }

    /** The sites whose scheduler is known, by name. */
    public Map<String, String> sites() {
        return schedulerUrls;
    }

    /** What came back when asking a site for a job's output. */
    public sealed interface LogAnswer {
        /** The output, streamed as the scheduler sends it. */
        record Stream(Multi<byte[]> body) implements LogAnswer {
        }

        /** The site has no output for the job. */
        record NoOutput() implements LogAnswer {
        }

        /** The site's scheduler is not configured here or did not answer. */
        record Unreachable(String why) implements LogAnswer {
        }
    }

    public Uni<LogAnswer> logs(String site, String jobId, boolean follow) {
        String base = schedulerUrls.get(site);
        if (base == null) {
            return Uni.createFrom().item(new LogAnswer.Unreachable("no scheduler URL is configured for site " + site
                    + " (spillway.intake.sites." + site + ".scheduler-url)"));
        }
        RequestOptions request = credential.authorize(new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(base + "/api/v1/scheduler/jobs/" + jobId + "/log?follow=" + follow));
        return http.request(request).chain(req -> req.send()).map(response -> {
            if (response.statusCode() == 404) {
                return (LogAnswer) new LogAnswer.NoOutput();
            }
            if (response.statusCode() != 200) {
                return new LogAnswer.Unreachable("the scheduler of site " + site + " answered "
                        + response.statusCode());
            }
            return new LogAnswer.Stream(response.toMulti().map(Buffer::getBytes));
        }).onFailure().recoverWithItem(failure -> new LogAnswer.Unreachable("the scheduler of site " + site
                + " does not answer: " + failure.getMessage()));
    }

    /** The number of GPUs of each known site; a site whose scheduler does not answer in time is left out. */
    public Uni<Map<String, Double>> capacities() {
        return states().map(states -> {
            Map<String, Double> capacities = new TreeMap<>();
            states.forEach((site, state) -> {
                double gpus = 0;
                for (JsonNode node : state.path("nodes")) {
                    gpus += node.path("gpus").size();
                }
                capacities.put(site, gpus);
            });
            return capacities;
        });
    }

    /**
     * What every site is made of, for refusing a job no site could run; empty when some site did not answer (it
     * might be the one that runs it). Asked at most every {@link #SHAPE_MAX_AGE}: nodes come and go slowly.
     */
    public Uni<Optional<ClusterShape>> shape() {
        CachedShape cached = shape;
        long now = System.nanoTime();
        if (cached != null && now - cached.fetchedAt() < (cached.shape().isPresent() ? SHAPE_MAX_AGE
                : UNKNOWN_SHAPE_MAX_AGE).toNanos()) {
            return Uni.createFrom().item(cached.shape());
        }
        return states().map(states -> {
            Map<String, ClusterShape.SiteShape> sites = new TreeMap<>();
            states.forEach((site, state) -> {
                Map<String, List<Integer>> nodes = new HashMap<>();
                for (JsonNode node : state.path("nodes")) {
                    String pool = node.path("pool").isTextual() ? node.path("pool").asText()
                            : ClusterShape.SiteShape.NO_POOL;
                    nodes.computeIfAbsent(pool, p -> new ArrayList<>()).add(node.path("gpus").size());
                }
                sites.put(site, new ClusterShape.SiteShape(nodes));
            });
            Optional<ClusterShape> answer = ClusterShape.ofAll(schedulerUrls.keySet(), sites);
            // A site that did not answer is asked again soon, but not by every submit: each would wait for it.
            shape = new CachedShape(answer, now);
            return answer;
        });
    }

    private record CachedShape(Optional<ClusterShape> shape, long fetchedAt) {
    }

    /** Each site's scheduler state, by site; a site that does not answer in time, or not with 200, is left out. */
    private Uni<Map<String, JsonNode>> states() {
        if (schedulerUrls.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<String, Uni<Optional<JsonNode>>> asks = new LinkedHashMap<>();
        schedulerUrls.forEach((site, url) -> asks.put(site, state(url)));
        return Uni.join().all(asks.values().stream().toList()).andCollectFailures().map(answers -> {
            Map<String, JsonNode> states = new TreeMap<>();
            int i = 0;
            for (String site : asks.keySet()) {
                Optional<JsonNode> state = answers.get(i++);
                state.ifPresent(found -> states.put(site, found));
            }
            return states;
        });
    }

    private Uni<Optional<JsonNode>> state(String baseUrl) {
        RequestOptions request = credential.authorize(new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(baseUrl + "/api/v1/scheduler/state?limit=1"));
        return http.request(request).chain(req -> req.send()).chain(response -> response.body()
                .map(body -> {
                    if (response.statusCode() != 200) {
                        return Optional.<JsonNode> empty();
                    }
                    try {
                        return Optional.of(mapper.readTree(body.getBytes()));
                    } catch (java.io.IOException e) {
                        return Optional.<JsonNode> empty();
                    }
                }))
                .ifNoItem().after(CAPACITY_TIMEOUT).recoverWithItem(Optional.empty())
                .onFailure().recoverWithItem(Optional.empty());
    }

    @PreDestroy
    void close() {
        http.closeAndForget();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

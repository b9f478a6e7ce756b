package io.spillway.system;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spillway.system.fuzz.RandomJson;
import io.spillway.testing.PropertyRuns;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A property-based fuzzer against the running stack: generated bodies and header sets to every write endpoint of every
 * service and to each CloudEvents type job-intake takes, at least {@value #TRIES} each and more than 10,000 in all.
 * Whatever arrives, the answer is never a 5xx, the service does not crash, and a refusal of the input names the field
 * (or header) that is wrong. A failure names the seed that reproduces its request.
 */
class FuzzIT {

    /** Requests to each target; the garbage collection, a whole pass over the store each time, gets fewer. */
    private static final int TRIES = 480;
    private static final int GC_TRIES = 300;
    private static final int MAX_LINE = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml", "garbage",
            "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/cloudevents+json",
            "application/json");

    private static SystemStack stack;
    private static HttpClient http;
    private static final Map<String, AtomicInteger> SENT = new ConcurrentHashMap<>();
    private static final Map<Integer, AtomicInteger> STATUSES = new ConcurrentHashMap<>();

    /** One endpoint to fuzz: where, with what kind of token, and what a valid body looks like. */
    private record Target(String name, String service, String method, Function<Random, String> path,
            Function<Random, Map<String, Object>> template, String contentType, Credential credential,
            Function<Random, Map<String, String>> headers, int tries) {
    }

    private enum Credential {
        ADMIN,
        SERVICE
    }

    @BeforeAll
    static void startTheStack() throws Exception {
        stack = SystemStack.shared();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void reportWhatWasSent() {
        int total = SENT.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.println("Fuzzed " + total + " requests; by target " + new TreeMap<>(SENT) + "; by status "
                + new TreeMap<>(STATUSES));
        assertTrue(total >= 10_000 || SENT.size() < targets().size(), "at least 10,000 requests in all, sent "
                + total);
    }

    @TestFactory
    Stream<DynamicTest> everyWriteEndpointAnswersAnyBodyAndHeadersWithoutA5xxAndNamesWhatIsWrong() {
        return targets().stream().map(target -> DynamicTest.dynamicTest(target.name(),
                () -> PropertyRuns.forAll(target.tries(), random -> sendAndCheck(target, random))));
    }

    private static List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        String intake = "job-intake";
        targets.add(new Target("submit a job", intake, "POST", r -> "/api/v1/jobs", FuzzIT::job,
                "application/json", Credential.ADMIN, r -> r.nextInt(4) == 0
                        ? Map.of("Idempotency-Key", RandomJson.string(r))
                        : Map.of(),
                TRIES));
        targets.add(new Target("cancel a job", intake, "DELETE", r -> "/api/v1/jobs/" + segment(r), null, null,
                Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("create a project", intake, "POST", r -> "/api/v1/projects", FuzzIT::project,
                "application/json", Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("change a project", intake, "PUT", r -> "/api/v1/projects/fuzz-" + segment(r),
                FuzzIT::project, "application/json", Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("delete a project", intake, "DELETE", r -> "/api/v1/projects/fuzz-" + segment(r),
                null, null, Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("create a token", intake, "POST", r -> "/api/v1/tokens", r -> map("name",
                "fuzz-" + r.nextInt(1000), "project", "default"), "application/json", Credential.ADMIN,
                r -> Map.of(), TRIES));
        targets.add(new Target("revoke a token", intake, "DELETE", r -> "/api/v1/tokens/" + segment(r), null, null,
                Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("take a snapshot", intake, "POST", r -> "/api/v1/snapshots", r -> map("site",
                "onprem", "filesystem", "fuzz-none-" + r.nextInt(10), "path", "/"), "application/json",
                Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("delete a snapshot", intake, "DELETE", r -> "/api/v1/snapshots/" + segment(r), null,
                null, Credential.ADMIN, r -> Map.of(), TRIES));
        targets.add(new Target("restore a snapshot", intake, "POST", r -> "/api/v1/restores", r -> map("snapshotId",
                uuid(r), "site", "cloud", "filesystem", "fuzz-restored",
                "priorityPaths", List.of("a")), "application/json", Credential.ADMIN, r -> Map.of(), TRIES));
        for (String type : List.of("JobSubmitted", "JobCancelled", "SnapshotRequested")) {
            targets.add(new Target("CloudEvent " + type + " (structured)", intake, "POST", r -> "/api/v1/events",
                    r -> cloudEvent(r, type), "application/cloudevents+json", Credential.ADMIN, r -> Map.of(),
                    TRIES));
            targets.add(new Target("CloudEvent " + type + " (binary)", intake, "POST", r -> "/api/v1/events",
                    r -> eventData(r, type), "application/json", Credential.ADMIN, r -> ceHeaders(r, type), TRIES));
        }
        targets.add(new Target("CloudEvent of a type not taken", intake, "POST", r -> "/api/v1/events",
                r -> cloudEvent(r, r.nextBoolean() ? "JobStarted" : RandomJson.string(r)),
                "application/cloudevents+json", Credential.ADMIN, r -> Map.of(), TRIES));
        String storage = "storage-agent-onprem";
        targets.add(new Target("create a filesystem", storage, "POST", r -> "/api/v1/filesystems",
                r -> map("name", "fuzz-" + r.nextInt(20)), "application/json", Credential.SERVICE, r -> Map.of(),
                TRIES));
        targets.add(new Target("delete a filesystem", storage, "DELETE", r -> "/api/v1/filesystems/fuzz-"
                + segment(r), null, null, Credential.SERVICE, r -> Map.of(), TRIES));
        targets.add(new Target("grant a mount", storage, "POST", r -> "/api/v1/filesystems/" + (r.nextBoolean()
                ? "fuzz-" + r.nextInt(20)
                : segment(r)) + "/mounts", r -> map("jobId", "fuzz-job-" + r.nextInt(100),
                        "subpath", "out", "readOnly", false),
                "application/json", Credential.SERVICE, r -> Map.of(),
                TRIES));
        targets.add(new Target("release a mount", storage, "DELETE", r -> "/api/v1/filesystems/fuzz-"
                + r.nextInt(20) + "/mounts/" + segment(r), null, null, Credential.SERVICE, r -> Map.of(), TRIES));
        targets.add(new Target("collect garbage", "snapshot-worker-onprem", "POST", r -> "/api/v1/snapshots/gc",
                r -> Map.of(), "application/json", Credential.SERVICE, r -> Map.of(), GC_TRIES));
        return targets;
    }

    private static void sendAndCheck(Target target, Random random) {
        String path = target.path().apply(random);
        byte[] body = target.template() == null ? new byte[0] : RandomJson.body(random, target.template().apply(random));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url(target.service()) + path))
                .timeout(Duration.ofSeconds(30))
                .method(target.method(), body.length == 0 && target.template() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        Map<String, String> headers = new LinkedHashMap<>(target.headers().apply(random));
        String token = token(target, random);
        if (token != null) {
            headers.put("Authorization", token);
        }
        if (target.contentType() != null) {
            int pick = random.nextInt(10);
            if (pick < 8) {
                headers.put("Content-Type", target.contentType());
            } else if (pick == 8) {
                headers.put("Content-Type", CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size())));
            }
        }
        if (random.nextInt(20) == 0) {
            headers.put("Accept", random.nextBoolean() ? "application/xml" : RandomJson.string(random));
        }
        headers.forEach((name, value) -> {
            try {
                request.header(name, bounded(value));
            } catch (IllegalArgumentException notAHeaderValue) {
                // the client refuses to send it at all: nothing reaches the server
            }
        });
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError(target.name() + ": no answer (" + e + ") to " + describe(target, path, headers,
                    body), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        SENT.computeIfAbsent(target.name(), name -> new AtomicInteger()).incrementAndGet();
        STATUSES.computeIfAbsent(response.statusCode(), status -> new AtomicInteger()).incrementAndGet();
        check(target, response, describe(target, path, headers, body));
    }

    private static void check(Target target, HttpResponse<String> response, String request) {
        int status = response.statusCode();
        if (status >= 500) {
            fail(target.name() + ": " + status + " " + response.body() + " for " + request);
        }
        if (status < 300) {
            return;
        }
        JsonNode error;
        try {
            error = JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(target.name() + ": a " + status + " whose body is not JSON: '" + response.body()
                    + "' for " + request);
        }
        if (status == 400 || status == 415 || status == 422 || status == 406) {
            JsonNode violations = error.path("violations");
            assertTrue(violations.isArray() && !violations.isEmpty(), target.name() + ": a " + status
                    + " that names no field: " + response.body() + " for " + request);
            violations.forEach(violation -> assertTrue(!violation.path("field").asText("").isBlank()
                    && !violation.path("message").asText("").isBlank(),
                    target.name() + ": a violation without"
                            + " its field or message: " + response.body() + " for " + request));
        } else {
            assertTrue(!error.path("error").asText("").isBlank(), target.name() + ": a " + status
                    + " that does not say why: " + response.body() + " for " + request);
        }
    }

    private static String token(Target target, Random random) {
        int pick = random.nextInt(20);
        if (pick == 0) {
            return null;
        }
        if (pick == 1) {
            return "Bearer " + RandomJson.string(random);
        }
        if (pick == 2) {
            return RandomJson.string(random);
        }
        if (pick == 3) {
            // the other kind of credential: a user's token at an internal API, the service's at job-intake
            return "Bearer " + (target.credential() == Credential.ADMIN ? stack.credentials().serviceToken()
                    : stack.credentials().adminToken());
        }
        return "Bearer " + (target.credential() == Credential.ADMIN ? stack.credentials().adminToken()
                : stack.credentials().serviceToken());
    }

    private static Map<String, Object> job(Random random) {
        Map<String, Object> job = map("name", "fuzz-" + random.nextInt(1000), "project", "default", "command",
                List.of("true"), "gpu", 0.05, "workers", 1, "priority", "train", "site", "onprem");
        if (random.nextBoolean()) {
            job.put("volumes", List.of("datasets:/data:ro"));
            job.put("env", Map.of("A", "b"));
            job.put("nodePool", "fuzz-pool");
        }
        return job;
    }

    private static Map<String, Object> project(Random random) {
        return map("name", "fuzz-" + random.nextInt(1000), "deservedGpus", 0, "overQuotaWeight", 1, "limitGpus", 1,
                "department", "fuzz", "pools", Map.of("a100", Map.of("deservedGpus", 0)));
    }

    private static Map<String, Object> eventData(Random random, String type) {
        String jobId = "fuzz-" + uuid(random);
        return switch (type) {
            case "JobSubmitted" -> map("jobId", jobId, "site", "onprem", "spec", map("name", "fuzz-ce", "project",
                    "default", "command", List.of("true"), "gpu", 0.05, "workers", 1, "priority", "train"));
            case "JobCancelled" -> map("jobId", jobId, "reason", "fuzz");
            default -> map("snapshotId", uuid(random), "site", "onprem", "filesystem",
                    "fuzz-none-" + random.nextInt(10), "path", "/");
        };
    }

    private static Map<String, Object> cloudEvent(Random random, String type) {
        Map<String, Object> data = eventData(random, type);
        return map("specversion", "1.0", "id", uuid(random), "source", "/fuzz", "type",
                "io.spillway." + type + ".v1", "subject", data.getOrDefault("jobId", data.get("snapshotId")),
                "time", "2026-12-07T10:00:00Z", "data", data);
    }

    private static Map<String, String> ceHeaders(Random random, String type) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> valid = Map.of("ce-specversion", "1.0", "ce-id", uuid(random),
                "ce-source", "/fuzz", "ce-type", "io.spillway." + type + ".v1", "ce-subject", "fuzz-subject",
                "ce-time", "2026-12-07T10:00:00Z");
        valid.forEach((name, value) -> {
            int fate = random.nextInt(10);
            if (fate < 7) {
                headers.put(name, value);
            } else if (fate < 9) {
                headers.put(name, RandomJson.string(random));
            }
        });
        return headers;
    }

    /** A path segment: mostly plausible, sometimes hostile, always encoded as a client would. */
    private static String segment(Random random) {
        String value = random.nextInt(3) == 0 ? uuid(random) : RandomJson.string(random);
        // Encoded, a character may take 12: 200 of them stay within the request line the server takes (4 KiB).
        String segment = value.length() > 200 ? value.substring(0, 200) : value;
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * At most {@value #MAX_LINE} characters: a longer request line or header is refused by the HTTP server itself
     * (414, 431, before any service code runs), which is HTTP's answer to it, not the services'. Bodies stay
     * unbounded.
     */
    private static String bounded(String value) {
        return value.length() > MAX_LINE ? value.substring(0, MAX_LINE) : value;
    }

    /** A UUID from the seeded random, so the seed reproduces the request exactly. */
    private static String uuid(Random random) {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String describe(Target target, String path, Map<String, String> headers, byte[] body) {
        String text = printable(new String(body, StandardCharsets.UTF_8));
        return target.method() + " " + printable(path) + " headers " + headers.keySet() + " body (" + body.length
                + " bytes) " + text;
    }

    /** At most 300 characters, anything unprintable as '?': a failure message stays readable. */
    private static String printable(String text) {
        String shown = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        return shown.codePoints().map(c -> c < 0x20 || c == 0xFFFD || Character.isSurrogate((char) c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}

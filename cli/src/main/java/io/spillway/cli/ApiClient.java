package io.spillway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The job-intake REST API over the JDK's HTTP client: bearer token on every call, JSON in and out, and every failure
 * turned into a {@link CliException} whose message says what to do and whose exit code scripts can trust.
 */
final class ApiClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final CliConfig config;
    private final HttpClient http;

    ApiClient(CliConfig config) {
        this.config = config;
        // HTTP/1.1: no h2c upgrade dance with the server, and streamed logs arrive chunk by chunk.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** An answer of the API: its status and its JSON body ({@code null} when it has none). */
    record Response(int status, JsonNode body) {
    }

    CliConfig config() {
        return config;
    }

    JsonNode get(String path) {
        return send("GET", path, null, Map.of()).body();
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body, Map.of()).body();
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body, Map.of()).body();
    }

    /** Sends a DELETE; returns the answer's JSON body, or {@code null} when it has none (204). */
    JsonNode delete(String path) {
        return send("DELETE", path, null, Map.of()).body();
    }

    /** Sends a request; a status outside 2xx becomes an {@link ApiException}. */
    Response send(String method, String path, Object body, Map<String, String> headers) {
        return send(method, path, body, headers, REQUEST_TIMEOUT);
    }

    /** {@link #send(String, String, Object, Map)} for a request the server takes long to answer. */
    Response send(String method, String path, Object body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request = request(path).timeout(timeout).header("Accept", "application/json");
        headers.forEach(request::header);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(toJson(body)));
        }
        HttpResponse<String> response = exchange(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw error(response.statusCode(), response.body());
        }
        return new Response(response.statusCode(), parse(response.body()));
    }

    /**
     * Copies a {@code text/plain} body to {@code out} as it arrives, flushing after every read, so a followed log
     * shows each line when the job writes it.
     */
    void stream(String path, Writer out) {
        HttpResponse<InputStream> response = exchange(request(path).header("Accept", "text/plain, application/json")
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw error(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8);
            char[] buffer = new char[8192];
            for (int read; (read = reader.read(buffer)) != -1;) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "the connection to Spillway at " + config.url()
                    + " broke while reading the log: " + e.getMessage(), List.of(), e);
        }
    }

    /** {@code path?k=v&...}, skipping {@code null} values and encoding the rest. */
    static String withQuery(String path, Map<String, ?> parameters) {
        Map<String, Object> present = new LinkedHashMap<>();
        parameters.forEach((key, value) -> {
            if (value != null) {
                present.put(key, value);
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        return path + "?" + present.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        if (config.token() == null) {
            throw new CliException(ExitCodes.NOT_AUTHORIZED, "no token: pass --token, set SPILLWAY_TOKEN, or run "
                    + "`bin/spillway up`, which writes " + config.credentialsFile());
        }
        URI uri;
        try {
            uri = URI.create(config.url() + path);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "not a URL: " + config.url() + " (" + e.getMessage() + ")");
        }
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + config.token())
                .header("User-Agent", "spillway-cli");
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "Spillway at " + config.url() + " did not answer in time ("
                    + e.getMessage() + ") — is it overloaded or still starting? `bin/spillway up` waits until it "
                    + "is ready", List.of(), e);
        } catch (ConnectException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable(e);
            }
            throw new CliException(ExitCodes.UNREACHABLE, "the connection to Spillway at " + config.url()
                    + " failed: " + e, List.of(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNREACHABLE, "interrupted while waiting for Spillway at "
                    + config.url(), List.of(), e);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "not a usable URL: " + config.url() + " (" + e.getMessage()
                    + ")");
        }
    }

    private CliException unreachable(IOException e) {
        return new CliException(ExitCodes.UNREACHABLE, "cannot reach Spillway at " + config.url()
                + " — is it running? Start it with `bin/spillway up`", List.of(), e);
    }

    /** The API's error body turned into a message a researcher can act on. */
    ApiException error(int status, String body) {
        String serverMessage = body == null ? "" : body.strip();
        List<String> violations = new ArrayList<>();
        JsonNode json = parseQuietly(body);
        if (json != null && json.isObject()) {
            if (json.hasNonNull("error")) {
                serverMessage = json.get("error").asText();
            }
            for (JsonNode violation : json.path("violations")) {
                violations.add("  " + violation.path("field").asText("?") + ": " + violation.path("message").asText());
            }
        }
        String message = switch (status) {
            case 401 -> "the token was refused (" + config.tokenSource() + "); set SPILLWAY_TOKEN or run "
                    + "`bin/spillway up`, which writes " + config.credentialsFile();
            case 403 -> "this token may not do that: " + serverMessage + " (admin commands use admin-token= from "
                    + config.credentialsFile() + ", or --token with an admin token)";
            case 404 -> "not found: " + serverMessage;
            case 409 -> serverMessage;
            default -> status >= 500
                    ? "Spillway failed to handle the request (HTTP " + status + "): " + serverMessage
                            + "; the service logs are under .spillway/logs"
                    : "the request was refused (HTTP " + status + "): " + serverMessage;
        };
        return new ApiException(status, message, serverMessage, violations);
    }

    private static String toJson(Object body) {
        try {
            return Output.JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("request bodies are maps and lists of plain values", e);
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Output.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.SERVER_ERROR, "Spillway at " + config.url()
                    + " answered something that is not JSON: " + abbreviate(body), List.of(), e);
        }
    }

    private static JsonNode parseQuietly(String body) {
        try {
            return body == null || body.isBlank() ? null : Output.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }
}

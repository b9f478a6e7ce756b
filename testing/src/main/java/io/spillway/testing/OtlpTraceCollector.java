package io.spillway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.spillway.platform.Readiness;

/**
 * A minimal OTLP/HTTP trace receiver for tests: services export spans to {@link #endpoint()} with
 * {@code quarkus.otel.exporter.otlp.traces.protocol=http/protobuf}, and the test reads them back.
 */
public final class OtlpTraceCollector implements AutoCloseable {

    /**
     * One received span; ids are lower-case hex, {@code parentSpanId} is empty for a root span.
     *
     * @param attributes the span's attributes, each value as text
     * @param links the spans it links to (in other traces, or its own)
     */
    public record CollectedSpan(String traceId, String spanId, String parentSpanId, String name, String serviceName,
            Map<String, String> attributes, List<Link> links) {

        public CollectedSpan {
            attributes = Map.copyOf(attributes);
            links = List.copyOf(links);
        }

        /** A span without attributes or links. */
        public CollectedSpan(String traceId, String spanId, String parentSpanId, String name, String serviceName) {
            this(traceId, spanId, parentSpanId, name, serviceName, Map.of(), List.of());
        }

        /** The attribute's value as text, or {@code null}. */
        public String attribute(String key) {
            return attributes.get(key);
        }
    }

    /** A span link: the span it points at, lower-case hex. */
    public record Link(String traceId, String spanId) {
    }

    private static final String PROTOBUF = "application/x-protobuf";
    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<CollectedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpTraceCollector(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a collector on a free port of 127.0.0.1. */
    public static OtlpTraceCollector start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Readiness.HOST), 0), 0);
            ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "otlp-trace-collector");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            OtlpTraceCollector collector = new OtlpTraceCollector(server, executor);
            server.createContext("/", collector::handle);
            server.start();
            return collector;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the OTLP trace collector", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}; exporters post to {@code <endpoint>/v1/traces}. */
    public String endpoint() {
        return "http://" + Readiness.HOST + ":" + server.getAddress().getPort();
    }

    /** Every span received so far, in arrival order. */
    public List<CollectedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace, in arrival order. */
    public List<CollectedSpan> spansOfTrace(String traceIdHex) {
        String wanted = traceIdHex.toLowerCase();
        return spans.stream().filter(span -> span.traceId().equals(wanted)).toList();
    }

    /** Forgets the spans received so far. */
    public void clear() {
        spans.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (path.endsWith("/v1/metrics") || path.endsWith("/v1/logs")) {
                // Not collected, but accepted, so a service that exports them too does not log errors.
                exchange.getRequestBody().readAllBytes();
                reply(exchange, new byte[0]);
                return;
            }
            if (!path.endsWith("/v1/traces")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || !contentType.startsWith(PROTOBUF)) {
                // OTLP/JSON is not supported: configure the exporter with protocol http/protobuf.
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            ExportTraceServiceRequest request;
            try (InputStream body = body(exchange)) {
                request = ExportTraceServiceRequest.parseFrom(body);
            } catch (IOException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            collect(request);
            reply(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        }
    }

    private static InputStream body(HttpExchange exchange) throws IOException {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        InputStream body = exchange.getRequestBody();
        return encoding != null && encoding.equalsIgnoreCase("gzip") ? new GZIPInputStream(body) : body;
    }

    private static void reply(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
        exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private void collect(ExportTraceServiceRequest request) {
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String serviceName = serviceName(resourceSpans.getResource());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    spans.add(new CollectedSpan(hex(span.getTraceId()), hex(span.getSpanId()),
                            hex(span.getParentSpanId()), span.getName(), serviceName,
                            attributes(span.getAttributesList()),
                            span.getLinksList().stream()
                                    .map(link -> new Link(hex(link.getTraceId()), hex(link.getSpanId()))).toList()));
                }
            }
        }
    }

    private static String serviceName(Resource resource) {
        return resource.getAttributesList().stream()
                .filter(attribute -> attribute.getKey().equals("service.name"))
                .map(KeyValue::getValue)
                .map(value -> value.getStringValue())
                .findFirst()
                .orElse("");
    }

    private static Map<String, String> attributes(List<KeyValue> attributes) {
        Map<String, String> values = new LinkedHashMap<>();
        for (KeyValue attribute : attributes) {
            values.put(attribute.getKey(), text(attribute.getValue()));
        }
        return values;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            case INT_VALUE -> String.valueOf(value.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
            default -> value.toString().trim();
        };
    }

    private static String hex(ByteString bytes) {
        return HEX.formatHex(bytes.toByteArray());
    }
}

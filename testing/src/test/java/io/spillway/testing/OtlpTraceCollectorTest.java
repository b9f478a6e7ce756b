package io.spillway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class OtlpTraceCollectorTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void collectsSpansOfAnOtlpProtobufExport() throws Exception {
        try (OtlpTraceCollector collector = OtlpTraceCollector.start()) {
            HttpResponse<byte[]> response = post(collector, request("job-intake", "POST /jobs", "00f067aa0ba902b7", ""),
                    false);

            assertEquals(200, response.statusCode());
            ExportTraceServiceResponse.parseFrom(response.body());
            assertEquals(List.of(new OtlpTraceCollector.CollectedSpan(TRACE_ID, "00f067aa0ba902b7", "", "POST /jobs",
                    "job-intake")), collector.spansOfTrace(TRACE_ID));
        }
    }

    @Test
    void acceptsGzipCompressedExportsAndKeepsParentage() throws Exception {
        try (OtlpTraceCollector collector = OtlpTraceCollector.start()) {
            post(collector, request("job-intake", "POST /jobs", "00f067aa0ba902b7", ""), true);
            post(collector, request("gpu-scheduler", "spillway.jobs process", "b7ad6b7169203331", "00f067aa0ba902b7"),
                    true);
            post(collector, ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(span("ffffffffffffffffffffffffffffffff",
                            "0000000000000001", "", "unrelated"))))
                    .build(), false);

            await().atMost(Duration.ofSeconds(5)).until(() -> collector.spans().size() == 3);
            List<OtlpTraceCollector.CollectedSpan> trace = collector.spansOfTrace(TRACE_ID.toUpperCase());
            assertEquals(List.of("job-intake", "gpu-scheduler"),
                    trace.stream().map(OtlpTraceCollector.CollectedSpan::serviceName).toList());
            assertEquals(trace.get(0).spanId(), trace.get(1).parentSpanId());
        }
    }

    @Test
    void keepsEachSpansAttributesAsTextAndItsLinks() throws Exception {
        try (OtlpTraceCollector collector = OtlpTraceCollector.start()) {
            Span linked = span(TRACE_ID, "b7ad6b7169203331", "", "burst.decision").toBuilder()
                    .addAttributes(KeyValue.newBuilder().setKey("spillway.job.id")
                            .setValue(AnyValue.newBuilder().setStringValue("j1")))
                    .addAttributes(KeyValue.newBuilder().setKey("spillway.job.workers")
                            .setValue(AnyValue.newBuilder().setIntValue(2)))
                    .addLinks(Span.Link.newBuilder()
                            .setTraceId(ByteString.copyFrom(HEX.parseHex("ffffffffffffffffffffffffffffffff")))
                            .setSpanId(ByteString.copyFrom(HEX.parseHex("0000000000000001"))))
                    .build();
            post(collector, ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(linked))).build(), false);

            OtlpTraceCollector.CollectedSpan collected = collector.spansOfTrace(TRACE_ID).get(0);
            assertEquals("j1", collected.attribute("spillway.job.id"));
            assertEquals("2", collected.attribute("spillway.job.workers"));
            assertEquals(List.of(new OtlpTraceCollector.Link("ffffffffffffffffffffffffffffffff", "0000000000000001")),
                    collected.links());
        }
    }

    @Test
    void rejectsOtlpJsonWithUnsupportedMediaType() throws Exception {
        try (OtlpTraceCollector collector = OtlpTraceCollector.start()) {
            URI traces = URI.create(collector.endpoint() + "/v1/traces");
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(traces)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(415, response.statusCode());
            assertEquals(List.of(), collector.spans());
        }
    }

    private HttpResponse<byte[]> post(OtlpTraceCollector collector, ExportTraceServiceRequest request, boolean gzip)
            throws IOException, InterruptedException {
        byte[] body = request.toByteArray();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(collector.endpoint() + "/v1/traces"))
                .header("Content-Type", "application/x-protobuf");
        if (gzip) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
                out.write(body);
            }
            body = compressed.toByteArray();
            builder.header("Content-Encoding", "gzip");
        }
        HttpResponse<byte[]> response = http.send(builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        return response;
    }

    private static ExportTraceServiceRequest request(String service, String name, String spanId, String parentSpanId) {
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue(service))))
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span(TRACE_ID, spanId, parentSpanId, name))))
                .build();
    }

    private static Span span(String traceId, String spanId, String parentSpanId, String name) {
        return Span.newBuilder()
                .setTraceId(ByteString.copyFrom(HEX.parseHex(traceId)))
                .setSpanId(ByteString.copyFrom(HEX.parseHex(spanId)))
                .setParentSpanId(ByteString.copyFrom(HEX.parseHex(parentSpanId)))
                .setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .build();
    }
}

package io.spillway.burst.messaging;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.spillway.burst.persistence.BurstStore.KnownJob;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.Phase;
import io.spillway.burst.saga.SagaCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planned spans become real ones in the jobs' traces, linked to the burst's, exported only once ended. */
class JobTraceSpansTest {

    private static final String JOB_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String JOB_TRACEPARENT = "00-" + JOB_TRACE + "-00f067aa0ba902b7-01";
    private static final String BURST_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String BURST_TRACEPARENT = "00-" + BURST_TRACE + "-b7ad6b7169203331-01";
    private static final Instant NOW = Instant.parse("2026-03-04T05:00:00Z");

    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Collecting())).build();
    private final Tracer tracer = provider.get("test");

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aJobsSpansJoinItsTraceLinkToTheBurstsAndTheCommandsEventContinuesThem() {
        SagaCommand.Reroute reroute = new SagaCommand.Reroute("b1", "j1", "onprem", "cloud");
        JobTraceSpans spans = new JobTraceSpans();

        JobTraceSpans.Started started = spans.start(tracer, burst(), List.of(
                new JobSpans.Planned(JobSpans.REROUTE, "j1", NOW, NOW, Map.of(JobSpans.JOB_ID, "j1"), reroute)),
                Map.of("j1", new KnownJob("j1", List.of(), JOB_TRACEPARENT)));

        assertEquals(List.of(), exported, "nothing is exported before the step committed");
        String traceparent = started.traceparentOf(reroute).orElseThrow();
        assertTrue(traceparent.startsWith("00-" + JOB_TRACE + "-"), traceparent);
        spans.endAll();
        SpanData span = exported.get(0);
        assertEquals(JobSpans.REROUTE, span.getName());
        assertEquals(JOB_TRACE, span.getTraceId());
        assertEquals("00f067aa0ba902b7", span.getParentSpanId());
        assertEquals(traceparent.split("-")[2], span.getSpanId(), "the event continues the span");
        assertEquals(BURST_TRACE, span.getLinks().get(0).getSpanContext().getTraceId());
        assertEquals("j1", span.getAttributes().asMap().entrySet().stream()
                .filter(entry -> entry.getKey().getKey().equals(JobSpans.JOB_ID)).findFirst().orElseThrow()
                .getValue());
    }

    @Test
    void aJobNeverSeenSubmittedHasNoSpanAndItsCommandKeepsTheBurstsTrace() {
        SagaCommand.Reroute reroute = new SagaCommand.Reroute("b1", "j2", "onprem", "cloud");
        JobTraceSpans spans = new JobTraceSpans();

        JobTraceSpans.Started started = spans.start(tracer, burst(), List.of(
                new JobSpans.Planned(JobSpans.REROUTE, "j2", NOW, NOW, Map.of(), reroute)), Map.of());
        spans.endAll();

        assertTrue(started.traceparentOf(reroute).isEmpty());
        assertEquals(List.of(), exported);
    }

    private static BurstState burst() {
        return new BurstState("b1", "onprem", "cloud", Phase.RUNNING, BURST_TRACEPARENT, 1, false, NOW, NOW, null,
                List.of(), List.of(), null, null);
    }

    private final class Collecting implements SpanExporter {

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}

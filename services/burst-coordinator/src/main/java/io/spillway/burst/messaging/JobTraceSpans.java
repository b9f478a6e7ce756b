package io.spillway.burst.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.spillway.burst.persistence.BurstStore.KnownJob;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.SagaCommand;
import io.spillway.kit.TraceContext;

/**
 * The spans of one saga step in its jobs' traces ({@link JobSpans}): started while the step runs, so the events it
 * appends can continue them, and ended only once the step committed, so a rolled-back step exports none. Each links
 * to the burst's trace, where the shared work (the data's snapshot and restore) is traced once. Used by one step at a
 * time.
 */
final class JobTraceSpans {

    /** The link's attribute that says what the linked span is. */
    static final AttributeKey<String> LINKED = AttributeKey.stringKey("spillway.link");

    private final List<Ending> started = new ArrayList<>();

    /**
     * Starts the planned spans of the jobs whose trace is known; a job this coordinator never saw submitted has none
     * to join, and its events continue the burst's trace.
     */
    Started start(Tracer tracer, BurstState burst, List<JobSpans.Planned> planned, Map<String, KnownJob> known) {
        SpanContext burstSpan = Span.fromContext(TraceContext.parse(burst.traceparent())).getSpanContext();
        Map<SagaCommand, String> traceparents = new IdentityHashMap<>();
        for (JobSpans.Planned span : planned) {
            String jobTrace = Optional.ofNullable(known.get(span.jobId())).map(KnownJob::traceparent).orElse(null);
            if (jobTrace == null) {
                continue;
            }
            SpanBuilder builder = tracer.spanBuilder(span.name())
                    .setParent(TraceContext.parse(jobTrace))
                    .setSpanKind(SpanKind.INTERNAL)
                    .setStartTimestamp(span.start());
            span.attributes().forEach(builder::setAttribute);
            if (burstSpan.isValid()) {
                builder.addLink(burstSpan, Attributes.of(LINKED, "burst"));
            }
            Span begun = builder.startSpan();
            started.add(new Ending(begun, span.end()));
            if (span.command() != null) {
                String traceparent = TraceContext.of(begun.getSpanContext());
                traceparents.put(span.command(), traceparent != null ? traceparent : jobTrace);
            }
        }
        return new Started(traceparents);
    }

    /** Ends every span started, at its planned end. */
    void endAll() {
        for (Ending ending : started) {
            ending.span().end(ending.at());
        }
        started.clear();
    }

    /** The traceparents the commands' events continue: their spans in their jobs' traces. */
    record Started(Map<SagaCommand, String> traceparents) {

        Optional<String> traceparentOf(SagaCommand command) {
            return Optional.ofNullable(traceparents.get(command));
        }
    }

    private record Ending(Span span, Instant at) {
    }
}

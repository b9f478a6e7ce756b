package io.spillway.snapshot.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.spillway.kit.TraceContext;

/**
 * The span of a snapshot's or restore's real work (the walk and upload, the fetch and write), started on the worker
 * thread that does it, in the trace the request came with: the burst's for the data a burst takes out, the job's for
 * a job's results.
 */
final class WorkSpans {

    private WorkSpans() {
    }

    static Span start(Tracer tracer, String name, String traceparent, String burstId, String site,
            String filesystem) {
        SpanBuilder builder = tracer.spanBuilder(name)
                .setParent(TraceContext.parse(traceparent))
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("spillway.site", site)
                .setAttribute("spillway.filesystem", filesystem);
        if (burstId != null) {
            builder.setAttribute("spillway.burst.id", burstId);
        }
        return builder.startSpan();
    }

    static void failed(Span span, RuntimeException failure) {
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR, failure.getMessage());
    }
}

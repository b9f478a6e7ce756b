package io.spillway.kit;

import java.util.Optional;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.TracingMetadata;

/**
 * W3C {@code traceparent} strings to and from OpenTelemetry contexts. Services store a job's traceparent with the
 * job, so every event about it, whenever and from wherever it is sent, continues the job's one trace.
 */
public final class TraceContext {

    private static final TextMapGetter<String> TRACEPARENT_ONLY = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return java.util.List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private TraceContext() {
    }

    /** The traceparent of the current span, or {@code null} outside any trace. */
    public static String current() {
        return of(Span.current().getSpanContext());
    }

    /** The traceparent of the span in which a consumed message is processed, else the one it arrived with. */
    public static String of(Message<?> message, String arrivedWith) {
        Optional<String> consumerSpan = TracingMetadata.fromMessage(message)
                .map(TracingMetadata::getCurrentContext)
                .map(context -> of(Span.fromContext(context).getSpanContext()));
        return consumerSpan.orElse(arrivedWith);
    }

    public static String of(SpanContext span) {
        if (span == null || !span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The context a traceparent describes, as the parent of new spans; the root context when there is none. */
    public static Context parse(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT_ONLY);
    }
}

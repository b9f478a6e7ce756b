package io.spillway.kit;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.SpillwayEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes committed outbox rows in order and deletes each only after the broker acknowledged it (acks=all), so
 * an event accepted while Kafka is down goes out when Kafka is back. Rows are locked with {@code SKIP LOCKED}, so
 * several replicas of a service can relay side by side without sending an event twice from one batch.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final PgPool pool;
    private final Vertx vertx;
    private final MutinyEmitter<CloudEvent> emitter;
    private final Tracer tracer;
    private final EventCodec codec = EventCodec.shared();
    private final Duration pollInterval;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile boolean stopped;
    private long timerId = -1;

    public OutboxRelay(PgPool pool, Vertx vertx, @Channel("spillway-outbox") MutinyEmitter<CloudEvent> emitter,
            Tracer tracer,
            @ConfigProperty(name = "spillway.outbox.poll-interval", defaultValue = "250ms") Duration pollInterval,
            @ConfigProperty(name = "spillway.outbox.batch-size", defaultValue = "200") int batchSize) {
        this.pool = pool;
        this.vertx = vertx;
        this.emitter = emitter;
        this.tracer = tracer;
        this.pollInterval = pollInterval;
        this.batchSize = batchSize;
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> drain());
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Asks for a relay round now instead of at the next poll; called when a transaction appended an event. */
    public void wakeUp() {
        wakeRequested.set(true);
        vertx.runOnContext(this::drain);
    }

    private void drain() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        wakeRequested.set(false);
        relayBatch().subscribe().with(published -> {
            running.set(false);
            if (published == batchSize || wakeRequested.get()) {
                drain();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("Outbox relay round failed, will retry: %s", failure.getMessage());
        });
    }

    /** Publishes one batch and returns how many events went out. */
    Uni<Integer> relayBatch() {
        return pool.withTransaction(tx -> tx
                .preparedQuery("SELECT seq, ce_id, ce_type, ce_source, ce_time, traceparent, data FROM outbox"
                        + " ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(batchSize))
                .chain(rows -> {
                    List<Long> sequence = new ArrayList<>();
                    List<Uni<Void>> sends = new ArrayList<>();
                    for (Row row : rows) {
                        sequence.add(row.getLong("seq"));
                        sends.add(publish(row));
                    }
                    if (sends.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return Uni.join().all(sends).andFailFast()
                            .chain(() -> delete(tx, sequence))
                            .replaceWith(sequence.size());
                }));
    }

    private Uni<Void> delete(SqlConnection tx, List<Long> sequence) {
        return tx.preparedQuery("DELETE FROM outbox WHERE seq = ANY($1)")
                .execute(Tuple.of(sequence.toArray(new Long[0])))
                .replaceWithVoid();
    }

    private Uni<Void> publish(Row row) {
        String ceType = row.getString("ce_type");
        SpillwayEvent data = codec.decode(ceType, row.getBuffer("data").getBytes());
        Span span = tracer.spanBuilder(data.topic() + " publish " + ceType)
                .setParent(TraceContext.parse(row.getString("traceparent")))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", data.topic())
                .setAttribute("messaging.message.id", row.getString("ce_id"))
                .setAttribute("cloudevents.event_subject", data.subject())
                .startSpan();
        String traceparent = TraceContext.of(span.getSpanContext());
        CloudEvent event = new CloudEvent(row.getString("ce_id"), row.getString("ce_source"),
                row.getOffsetDateTime("ce_time"), traceparent, data);
        Message<CloudEvent> message = Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(event.topic())
                .withKey(event.subject())
                .build());
        return emitter.sendMessage(message)
                .onItemOrFailure().invoke((ok, failure) -> {
                    if (failure != null) {
                        span.setStatus(StatusCode.ERROR, failure.getMessage());
                    }
                    span.end();
                });
    }

    /** Time of the oldest unpublished event, for operators who want to see a relay falling behind. */
    public Uni<OffsetDateTime> oldestPending() {
        return pool.query("SELECT min(ce_time) AS oldest FROM outbox").execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime("oldest"));
    }
}

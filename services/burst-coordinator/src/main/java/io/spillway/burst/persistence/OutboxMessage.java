package io.spillway.burst.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.spillway.kit.Outbox;

/**
 * The service kit's outbox table seen through Hibernate, so a saga's commands are persisted in the same session and
 * transaction as the burst state that decided them; the kit's relay publishes and deletes them.
 */
@Entity
@Table(name = "outbox")
public class OutboxMessage {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long seq;
    @Column(name = "ce_id")
    String ceId;
    String topic;
    @Column(name = "msg_key")
    String key;
    @Column(name = "ce_type")
    String type;
    @Column(name = "ce_source")
    String source;
    @Column(name = "ce_time")
    OffsetDateTime time;
    String traceparent;
    byte[] data;

    protected OutboxMessage() {
    }

    OutboxMessage(Outbox.Row row) {
        this.ceId = row.ceId();
        this.topic = row.topic();
        this.key = row.key();
        this.type = row.type();
        this.source = row.source();
        this.time = row.time();
        this.traceparent = row.traceparent();
        this.data = row.data();
    }
}

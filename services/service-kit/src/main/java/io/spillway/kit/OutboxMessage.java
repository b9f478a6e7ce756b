package io.spillway.kit;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row of the kit's {@code outbox} table (see {@code db/kit/V0_1__outbox_and_inbox.sql}), the one entity every
 * service persists in the session and transaction of the change it announces; {@link OutboxRelay} publishes and
 * deletes it. Services never build it themselves: {@link Outbox#append} does, after validating the event.
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

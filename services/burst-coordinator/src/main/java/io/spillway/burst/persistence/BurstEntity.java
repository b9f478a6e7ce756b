package io.spillway.burst.persistence;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code bursts} (see {@code V2__burst_state.sql}): one burst's whole saga state. */
@Entity
@Table(name = "bursts")
public class BurstEntity {

    @Id
    @Column(name = "burst_id")
    String burstId;
    @Column(name = "home_site")
    String homeSite;
    @Column(name = "burst_site")
    String burstSite;
    String phase;
    boolean open;
    /** The saga's {@code BurstState}, as {@link StoredBurstState} writes it. */
    @JdbcTypeCode(SqlTypes.JSON)
    Map<String, Object> state;
    String traceparent;
    /** Two consumers that change the same burst at once: the second fails, is retried and sees the first's change. */
    @Version
    long version;
    @Column(name = "opened_at")
    OffsetDateTime openedAt;
    @Column(name = "updated_at")
    OffsetDateTime updatedAt;
}

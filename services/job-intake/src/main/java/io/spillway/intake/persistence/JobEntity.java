package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of the jobs read model (see {@code V1__jobs.sql}). */
@Entity
@Table(name = "jobs")
public class JobEntity {

    @Id
    String id;
    String name;
    String project;
    String site;
    String state;
    @JdbcTypeCode(SqlTypes.JSON)
    Map<String, Object> spec;
    String traceparent;
    @Column(name = "idempotency_key")
    String idempotencyKey;
    @Column(name = "pending_reason")
    String pendingReason;
    String node;
    String gpus;
    @Column(name = "exit_code")
    Integer exitCode;
    @Column(name = "submitted_by")
    String submittedBy;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "updated_at")
    OffsetDateTime updatedAt;
}

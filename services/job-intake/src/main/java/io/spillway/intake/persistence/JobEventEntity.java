package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One lifecycle event of a job as applied to the read model, in order: the job's history. */
@Entity
@Table(name = "job_events")
public class JobEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long seq;
    @Column(name = "ce_id")
    String ceId;
    @Column(name = "job_id")
    String jobId;
    @Column(name = "ce_type")
    String ceType;
    @Column(name = "ce_source")
    String ceSource;
    @Column(name = "ce_time")
    OffsetDateTime ceTime;
    @JdbcTypeCode(SqlTypes.JSON)
    Map<String, Object> data;
}

package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A project: the unit of quota and of access (see {@code V3__projects_and_tokens.sql}). */
@Entity
@Table(name = "projects")
public class ProjectEntity {

    @Id
    String name;
    @Column(name = "deserved_gpus")
    double deservedGpus;
    @Column(name = "over_quota_weight")
    double overQuotaWeight;
    @Column(name = "limit_gpus")
    Double limitGpus;
    String department;
    @JdbcTypeCode(SqlTypes.JSON)
    Map<String, Object> pools;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "updated_at")
    OffsetDateTime updatedAt;
}

package io.spillway.burst.persistence;

import java.time.OffsetDateTime;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code known_jobs}: what JobSubmitted said about a job that a burst may need. */
@Entity
@Table(name = "known_jobs")
public class KnownJobEntity {

    @Id
    @Column(name = "job_id")
    String jobId;
    String site;
    /** {@code {"mounts": [{"filesystem", "subPath", "readOnly"}...]}}: a JSON object, which this HR version maps. */
    @JdbcTypeCode(SqlTypes.JSON)
    Map<String, Object> volumes;
    String traceparent;
    @Column(name = "submitted_at")
    OffsetDateTime submittedAt;
}

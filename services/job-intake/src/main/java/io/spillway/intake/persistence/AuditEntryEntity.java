package io.spillway.intake.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One change made through the API, as the audit log keeps it. */
@Entity
@Table(name = "audit_log")
public class AuditEntryEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    OffsetDateTime at;
    String action;
    String target;
    @Column(name = "token_id")
    String tokenId;
    @Column(name = "token_name")
    String tokenName;
    String project;
    @Column(name = "source_address")
    String sourceAddress;
    String method;
    String path;
    int status;
}

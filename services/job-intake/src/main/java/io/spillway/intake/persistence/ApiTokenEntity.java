package io.spillway.intake.persistence;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An API token, by the SHA-256 of its secret; a token without a project is an admin token. */
@Entity
@Table(name = "api_tokens")
public class ApiTokenEntity {

    @Id
    String id;
    String name;
    @Column(name = "token_sha256")
    String tokenSha256;
    String project;
    boolean admin;
    @Column(name = "created_at")
    OffsetDateTime createdAt;
    @Column(name = "revoked_at")
    OffsetDateTime revokedAt;
}

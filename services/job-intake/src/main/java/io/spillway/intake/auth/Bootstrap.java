package io.spillway.intake.auth;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.intake.domain.Project;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.intake.persistence.TokenRepository;

/**
 * First run just works: a project to submit to, and the tokens that an operator (or {@code spillway up}) generated,
 * registered by their SHA-256 so the secrets never pass through configuration.
 */
public class Bootstrap {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class);

    void onStart(@Observes StartupEvent start, ProjectRepository projects, TokenRepository tokens, IntakeConfig config) {
        IntakeConfig.Bootstrap bootstrap = config.bootstrap();
        String project = bootstrap.project();
        Optional<String> adminTokenHash = bootstrap.adminTokenSha256();
        Optional<String> projectTokenHash = bootstrap.projectTokenSha256();
        Uni<Void> work = projects.ensure(new Project(project, bootstrap.projectDeservedGpus(), 1, null, null, null));
        if (adminTokenHash.isPresent()) {
            work = work.chain(() -> tokens.ensure("bootstrap-admin", null, normalized(adminTokenHash.get())));
        }
        if (projectTokenHash.isPresent()) {
            work = work.chain(() -> tokens.ensure("bootstrap", project, normalized(projectTokenHash.get())));
        }
        work.await().atMost(Duration.ofSeconds(60));
        if (adminTokenHash.isEmpty()) {
            // Not an error: tokens created earlier through the API still work. On a first start it means nobody can.
            LOG.warn("No bootstrap admin token (spillway.intake.bootstrap.admin-token-sha256): unless tokens were"
                    + " created earlier, no caller can use the API. `bin/spillway up` and bin/compose-credentials set it");
        }
        LOG.infof("Project '%s' is ready%s", project, adminTokenHash.isPresent() ? ", with the bootstrap tokens" : "");
    }

    private static String normalized(String hash) {
        String hex = hash.trim().toLowerCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a bootstrap token hash must be 64 hex digits (SHA-256)");
        }
        return hex;
    }
}

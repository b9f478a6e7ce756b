package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.JobState;
import io.spillway.intake.domain.Project;
import io.spillway.kit.Outbox;
import io.spillway.kit.TraceContext;
import io.spillway.kit.Transactions;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.PoolShare;
import io.spillway.schemas.ProjectEvent;

/**
 * Projects and their GPU shares. Every change is published on {@code spillway.projects} ({@code ProjectUpdated},
 * {@code ProjectDeleted}) in the same transaction (transactional outbox), so every site's scheduler applies the
 * same quotas as this table, never a change that rolled back.
 */
@ApplicationScoped
public class ProjectRepository {

    private final Transactions transactions;
    private final Outbox outbox;

    public ProjectRepository(Transactions transactions, Outbox outbox) {
        this.transactions = transactions;
        this.outbox = outbox;
    }

    /** What a delete did. */
    public enum Deletion {
        DELETED,
        NOT_FOUND,
        HAS_ACTIVE_JOBS
    }

    public Uni<List<Project>> list() {
        return transactions.inSession(session -> session
                .createQuery("from ProjectEntity order by name", ProjectEntity.class).getResultList())
                .map(projects -> projects.stream().map(ProjectRepository::toProject).toList());
    }

    public Uni<Optional<Project>> find(String name) {
        return transactions.inSession(session -> session.find(ProjectEntity.class, name))
                .map(entity -> Optional.ofNullable(entity).map(ProjectRepository::toProject));
    }

    /** Creates a project and publishes it; {@code false} (and nothing published) when one with that name exists. */
    public Uni<Boolean> create(Project project) {
        String traceparent = TraceContext.current();
        return transactions.inTransaction(session -> session.find(ProjectEntity.class, project.name())
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(false);
                    }
                    ProjectEntity entity = new ProjectEntity();
                    entity.name = project.name();
                    entity.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                    copy(project, entity);
                    return session.persist(entity)
                            .chain(() -> publishUpdated(session, entity, traceparent))
                            .replaceWith(true);
                }));
    }

    /** Creates the project when it does not exist yet, and leaves an existing one as it is (publishing nothing). */
    public Uni<Void> ensure(Project project) {
        return create(project).replaceWithVoid();
    }

    /** Changes a project's shares and publishes its new state; empty when there is no such project. */
    public Uni<Optional<Project>> update(Project project) {
        String traceparent = TraceContext.current();
        return transactions.inTransaction(session -> session.find(ProjectEntity.class, project.name())
                .chain(entity -> {
                    if (entity == null) {
                        return Uni.createFrom().item(Optional.<Project> empty());
                    }
                    copy(project, entity);
                    return publishUpdated(session, entity, traceparent).replaceWith(Optional.of(toProject(entity)));
                }));
    }

    /** Deletes a project and its tokens and publishes that, unless it still has jobs that have not ended. */
    public Uni<Deletion> delete(String name) {
        String traceparent = TraceContext.current();
        return transactions.inTransaction(session -> session.find(ProjectEntity.class, name).chain(entity -> {
            if (entity == null) {
                return Uni.createFrom().item(Deletion.NOT_FOUND);
            }
            return session.createQuery("select count(*) from JobEntity where project = :project"
                    + " and state not in (:ended)", Long.class)
                    .setParameter("project", name)
                    .setParameter("ended", JobState.finalStateNames())
                    .getSingleResult()
                    .chain(active -> active > 0
                            ? Uni.createFrom().item(Deletion.HAS_ACTIVE_JOBS)
                            : session.remove(entity)
                                    .chain(() -> outbox.append(session, new ProjectEvent.ProjectDeleted(name),
                                            traceparent))
                                    .replaceWith(Deletion.DELETED));
        }));
    }

    /** The project's whole state as an event: the last one per project on the compacted topic is the project. */
    private Uni<CloudEvent> publishUpdated(Mutiny.Session session, ProjectEntity entity, String traceparent) {
        return outbox.append(session, new ProjectEvent.ProjectUpdated(entity.name, entity.deservedGpus,
                entity.overQuotaWeight, entity.limitGpus, entity.department, pools(entity)), traceparent);
    }

    private static void copy(Project from, ProjectEntity to) {
        to.deservedGpus = from.deservedGpus();
        to.overQuotaWeight = from.overQuotaWeight();
        to.limitGpus = from.limitGpus();
        to.department = from.department();
        to.pools = MAPPER.convertValue(from.pools(), JSON_OBJECT);
        to.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static Project toProject(ProjectEntity entity) {
        return new Project(entity.name, entity.deservedGpus, entity.overQuotaWeight, entity.limitGpus,
                entity.department, entity.createdAt, pools(entity));
    }

    private static Map<String, PoolShare> pools(ProjectEntity entity) {
        return entity.pools == null ? Map.of() : MAPPER.convertValue(entity.pools, POOLS);
    }

    private static final ObjectMapper MAPPER = EventCodec.shared().mapper();
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, PoolShare>> POOLS = new TypeReference<>() {
    };
}

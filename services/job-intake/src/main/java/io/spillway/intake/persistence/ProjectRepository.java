package io.spillway.intake.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.domain.JobState;
import io.spillway.intake.domain.Project;

/** Projects and their GPU shares. */
@ApplicationScoped
public class ProjectRepository {

    private final Mutiny.SessionFactory sessions;

    public ProjectRepository(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** What a delete did. */
    public enum Deletion {
        DELETED,
        NOT_FOUND,
        HAS_ACTIVE_JOBS
    }

    public Uni<List<Project>> list() {
        return sessions.withSession(session -> session
                .createQuery("from ProjectEntity order by name", ProjectEntity.class).getResultList())
                .map(projects -> projects.stream().map(ProjectRepository::toProject).toList());
    }

    public Uni<Optional<Project>> find(String name) {
        return sessions.withSession(session -> session.find(ProjectEntity.class, name))
                .map(entity -> Optional.ofNullable(entity).map(ProjectRepository::toProject));
    }

    /** Creates a project; {@code false} when one with that name exists. */
    public Uni<Boolean> create(Project project) {
        return sessions.withTransaction(session -> session.find(ProjectEntity.class, project.name())
                .chain(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().item(false);
                    }
                    ProjectEntity entity = new ProjectEntity();
                    entity.name = project.name();
                    entity.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                    copy(project, entity);
                    return session.persist(entity).replaceWith(true);
                }));
    }

    /** Creates the project when it does not exist yet, and leaves an existing one as it is. */
    public Uni<Void> ensure(Project project) {
        return create(project).replaceWithVoid();
    }

    /** Changes a project's shares; empty when there is no such project. */
    public Uni<Optional<Project>> update(Project project) {
        return sessions.withTransaction(session -> session.find(ProjectEntity.class, project.name())
                .map(entity -> {
                    if (entity == null) {
                        return Optional.<Project> empty();
                    }
                    copy(project, entity);
                    return Optional.of(toProject(entity));
                }));
    }

    /** Deletes a project and its tokens, unless it still has jobs that have not ended. */
    public Uni<Deletion> delete(String name) {
        return sessions.withTransaction(session -> session.find(ProjectEntity.class, name).chain(entity -> {
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
                            : session.remove(entity).replaceWith(Deletion.DELETED));
        }));
    }

    private static void copy(Project from, ProjectEntity to) {
        to.deservedGpus = from.deservedGpus();
        to.overQuotaWeight = from.overQuotaWeight();
        to.limitGpus = from.limitGpus();
        to.department = from.department();
        to.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static Project toProject(ProjectEntity entity) {
        return new Project(entity.name, entity.deservedGpus, entity.overQuotaWeight, entity.limitGpus,
                entity.department, entity.createdAt);
    }
}

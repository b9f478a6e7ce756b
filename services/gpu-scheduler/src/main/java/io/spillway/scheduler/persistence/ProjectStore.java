package io.spillway.scheduler.persistence;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.spillway.kit.NativeRows;
import io.spillway.scheduler.domain.ProjectQuota;
import io.spillway.schemas.EventCodec;

/** The {@code project_quota} table: each project's latest shares as job-intake published them. */
@ApplicationScoped
public class ProjectStore {

    private final ObjectMapper mapper = EventCodec.shared().mapper();

    /** Every known project, by name. */
    public Uni<List<ProjectQuota>> all(Mutiny.Session session) {
        return session.createNativeQuery("SELECT name, deserved_gpus, over_quota_weight, limit_gpus, department,"
                + " CAST(pools AS text) AS pools FROM project_quota ORDER BY name", Object[].class)
                .getResultList()
                .map(rows -> {
                    List<ProjectQuota> projects = new ArrayList<>();
                    for (Object[] row : rows) {
                        projects.add(new ProjectQuota(NativeRows.text(row[0]), NativeRows.dbl(row[1]),
                                NativeRows.dbl(row[2]), NativeRows.dbl(row[3]), NativeRows.text(row[4]),
                                pools(NativeRows.text(row[5]))));
                    }
                    return projects;
                });
    }

    /** Records a project's state, replacing what was known of it; its pools are bound as text, then cast to jsonb. */
    public Uni<Void> upsert(Mutiny.Session session, ProjectQuota project) {
        ObjectNode pools = mapper.createObjectNode();
        project.pools().forEach((pool, share) -> pools.putObject(pool)
                .put("deservedGpus", share.deservedGpus()).put("limitGpus", share.limitGpus()));
        return session.createNativeQuery("INSERT INTO project_quota (name, deserved_gpus, over_quota_weight,"
                + " limit_gpus, department, pools) VALUES (:name, :deserved, :weight, :limit, :department,"
                + " CAST(CAST(:pools AS text) AS jsonb)) ON CONFLICT (name) DO UPDATE SET"
                + " deserved_gpus = excluded.deserved_gpus, over_quota_weight = excluded.over_quota_weight,"
                + " limit_gpus = excluded.limit_gpus, department = excluded.department, pools = excluded.pools,"
                + " updated_at = now()")
                .setParameter("name", project.name()).setParameter("deserved", project.deservedGpus())
                .setParameter("weight", project.overQuotaWeight()).setParameter("limit", project.limitGpus())
                .setParameter("department", project.department()).setParameter("pools", pools.toString())
                .executeUpdate()
                .replaceWithVoid();
    }

    private Map<String, ProjectQuota.PoolQuota> pools(String json) {
        Map<String, ProjectQuota.PoolQuota> pools = new LinkedHashMap<>();
        if (json == null) {
            return pools;
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A project's stored pools do not read back: " + e.getMessage(), e);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> pool = fields.next();
            JsonNode limit = pool.getValue().get("limitGpus");
            pools.put(pool.getKey(), new ProjectQuota.PoolQuota(pool.getValue().get("deservedGpus").asDouble(),
                    limit == null || limit.isNull() ? null : limit.asDouble()));
        }
        return pools;
    }

    /** Forgets a project; one this site never heard of is already forgotten. */
    public Uni<Void> delete(Mutiny.Session session, String name) {
        return session.createNativeQuery("DELETE FROM project_quota WHERE name = :name")
                .setParameter("name", name)
                .executeUpdate()
                .replaceWithVoid();
    }
}

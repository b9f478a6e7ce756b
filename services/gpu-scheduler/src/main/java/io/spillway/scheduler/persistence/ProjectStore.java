package io.spillway.scheduler.persistence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.spillway.scheduler.domain.ProjectQuota;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code project_quota} table: each project's latest shares as job-intake published them. */
@ApplicationScoped
public class ProjectStore {

    /** Every known project, by name. */
    public Uni<List<ProjectQuota>> all(SqlClient client) {
        return client.query("SELECT name, deserved_gpus, over_quota_weight, limit_gpus, department, pools"
                + " FROM project_quota ORDER BY name")
                .execute()
                .map(rows -> {
                    List<ProjectQuota> projects = new ArrayList<>();
                    for (Row row : rows) {
                        projects.add(new ProjectQuota(row.getString("name"), row.getDouble("deserved_gpus"),
                                row.getDouble("over_quota_weight"), row.getDouble("limit_gpus"),
                                row.getString("department"), pools(row.getJsonObject("pools"))));
                    }
                    return projects;
                });
    }

    /** Records a project's state, replacing what was known of it. */
    public Uni<Void> upsert(SqlClient tx, ProjectQuota project) {
        JsonObject pools = new JsonObject();
        project.pools().forEach((pool, share) -> pools.put(pool, new JsonObject()
                .put("deservedGpus", share.deservedGpus()).put("limitGpus", share.limitGpus())));
        return tx.preparedQuery("INSERT INTO project_quota (name, deserved_gpus, over_quota_weight, limit_gpus,"
                + " department, pools) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET"
                + " deserved_gpus = excluded.deserved_gpus, over_quota_weight = excluded.over_quota_weight,"
                + " limit_gpus = excluded.limit_gpus, department = excluded.department, pools = excluded.pools,"
                + " updated_at = now()")
                .execute(Tuple.from(Arrays.asList(project.name(), project.deservedGpus(), project.overQuotaWeight(),
                        project.limitGpus(), project.department(), pools)))
                .replaceWithVoid();
    }

    private static Map<String, ProjectQuota.PoolQuota> pools(JsonObject json) {
        Map<String, ProjectQuota.PoolQuota> pools = new LinkedHashMap<>();
        if (json != null) {
            for (String pool : json.fieldNames()) {
                JsonObject share = json.getJsonObject(pool);
                Number limit = share.getNumber("limitGpus");
                pools.put(pool, new ProjectQuota.PoolQuota(share.getNumber("deservedGpus").doubleValue(),
                        limit == null ? null : limit.doubleValue()));
            }
        }
        return pools;
    }

    /** Forgets a project; one this site never heard of is already forgotten. */
    public Uni<Void> delete(SqlClient tx, String name) {
        return tx.preparedQuery("DELETE FROM project_quota WHERE name = $1")
                .execute(Tuple.of(name))
                .replaceWithVoid();
    }
}

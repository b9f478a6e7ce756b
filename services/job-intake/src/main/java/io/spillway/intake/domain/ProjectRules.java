package io.spillway.intake.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.spillway.schemas.PoolShare;

/** Checks a project's definition as an admin submits it. */
public final class ProjectRules {

    private ProjectRules() {
    }

    public static List<Violation> check(String name, Double deservedGpus, Double overQuotaWeight, Double limitGpus,
            String department) {
        List<Violation> violations = new ArrayList<>();
        if (name == null || name.isBlank()) {
            violations.add(new Violation("name", "is required"));
        } else if (!VolumeSyntax.isDns1123Label(name)) {
            violations.add(new Violation("name", "'" + name + "' must be a DNS-1123 label: lower-case letters,"
                    + " digits and '-', starting and ending with a letter or digit, at most 63 characters"));
        }
        if (deservedGpus != null && (deservedGpus < 0 || deservedGpus.isNaN() || deservedGpus.isInfinite())) {
            violations.add(new Violation("deservedGpus", "must be 0 or more"));
        }
        if (overQuotaWeight != null && (overQuotaWeight < 0 || overQuotaWeight.isNaN()
                || overQuotaWeight.isInfinite())) {
            violations.add(new Violation("overQuotaWeight", "must be 0 or more (0: never runs over its quota)"));
        }
        if (limitGpus != null) {
            if (limitGpus < 0 || limitGpus.isNaN() || limitGpus.isInfinite()) {
                violations.add(new Violation("limitGpus", "must be 0 or more, or absent for no limit"));
            } else if (deservedGpus != null && limitGpus < deservedGpus) {
                violations.add(new Violation("limitGpus", "must not be below deservedGpus (" + deservedGpus + ")"));
            }
        }
        if (department != null && !department.isEmpty() && !VolumeSyntax.isDns1123Label(department)) {
            violations.add(new Violation("department", "'" + department + "' must be a DNS-1123 label"));
        }
        return violations;
    }

    /** The shares in single node pools: pool names are DNS-1123 labels, shares 0 or more, a limit not below them. */
    public static List<Violation> checkPools(Map<String, PoolShare> pools) {
        List<Violation> violations = new ArrayList<>();
        if (pools == null) {
            return violations;
        }
        pools.forEach((pool, share) -> {
            String field = "pools." + pool;
            if (!VolumeSyntax.isDns1123Label(pool)) {
                violations.add(new Violation(field, "'" + pool + "' must be a DNS-1123 label, as node pools are"));
            } else if (share == null) {
                violations.add(new Violation(field, "needs a deservedGpus"));
            } else if (share.deservedGpus() < 0 || Double.isNaN(share.deservedGpus())) {
                violations.add(new Violation(field + ".deservedGpus", "must be 0 or more"));
            } else if (share.limitGpus() != null && share.limitGpus() < share.deservedGpus()) {
                violations.add(new Violation(field + ".limitGpus", "must not be below the pool's deservedGpus ("
                        + share.deservedGpus() + ")"));
            }
        });
        return violations;
    }
}

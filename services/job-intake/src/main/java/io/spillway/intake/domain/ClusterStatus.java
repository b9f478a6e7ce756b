package io.spillway.intake.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The queue and GPU use per site and per project, computed from the jobs that wait or hold GPUs. GPUs in use come
 * from the placements the schedulers reported ({@code node:0+1,node2:3@0.5}), so a fraction counts as a fraction.
 */
public record ClusterStatus(List<SiteStatus> sites, List<ProjectStatus> projects) {

    /** @param gpus the site's GPUs; {@code null} when its scheduler did not say */
    public record SiteStatus(String site, Double gpus, double gpusInUse, int pending, int running) {
    }

    /** @param site {@code null} for a project that has no job waiting or running anywhere */
    public record ProjectStatus(String project, String site, int pending, int running, double gpusInUse,
            Double deservedGpus, Double limitGpus) {
    }

    /** One job that waits or holds GPUs. */
    public record ActiveJob(String site, String project, JobState state, String gpus) {
    }

    public static ClusterStatus of(List<ActiveJob> jobs, Map<String, Double> capacities,
            Map<String, Project> projects) {
        TreeSet<String> siteNames = new TreeSet<>(capacities.keySet());
        Map<String, int[]> siteCounts = new TreeMap<>();
        Map<String, Double> siteGpus = new TreeMap<>();
        // Keyed by "project\0site", so rows come out by project, then site.
        Map<String, int[]> projectCounts = new TreeMap<>();
        Map<String, Double> projectGpus = new TreeMap<>();
        for (ActiveJob job : jobs) {
            siteNames.add(job.site());
            String key = job.project() + "\0" + job.site();
            int[] site = siteCounts.computeIfAbsent(job.site(), s -> new int[2]);
            int[] project = projectCounts.computeIfAbsent(key, k -> new int[2]);
            if (job.state().holdsGpus()) {
                site[1]++;
                project[1]++;
                double used = gpusOf(job.gpus());
                siteGpus.merge(job.site(), used, Double::sum);
                projectGpus.merge(key, used, Double::sum);
            } else if (job.state().waits()) {
                site[0]++;
                project[0]++;
            }
        }
        List<SiteStatus> sites = new ArrayList<>();
        for (String site : siteNames) {
            int[] counts = siteCounts.getOrDefault(site, new int[2]);
            sites.add(new SiteStatus(site, capacities.get(site), siteGpus.getOrDefault(site, 0.0), counts[0],
                    counts[1]));
        }
        List<ProjectStatus> projectRows = new ArrayList<>();
        projectCounts.forEach((key, counts) -> {
            String[] projectAndSite = key.split("\0");
            Project project = projects.get(projectAndSite[0]);
            projectRows.add(new ProjectStatus(projectAndSite[0], projectAndSite[1], counts[0], counts[1],
                    projectGpus.getOrDefault(key, 0.0), project == null ? null : project.deservedGpus(),
                    project == null ? null : project.limitGpus()));
        });
        // A project with nothing waiting or running still shows its share, on no site.
        projects.values().stream()
                .filter(project -> projectRows.stream().noneMatch(row -> row.project().equals(project.name())))
                .sorted(java.util.Comparator.comparing(Project::name))
                .forEach(project -> projectRows.add(new ProjectStatus(project.name(), null, 0, 0, 0,
                        project.deservedGpus(), project.limitGpus())));
        return new ClusterStatus(sites, projectRows);
    }

    /** The GPUs a placement text stands for: each GPU id counts its fraction (1 when none is given). */
    static double gpusOf(String placements) {
        if (placements == null || placements.isBlank()) {
            return 0;
        }
        double total = 0;
        for (String placement : placements.split(",")) {
            String ids = placement.substring(placement.indexOf(':') + 1);
            double fraction = 1;
            int at = ids.indexOf('@');
            if (at >= 0) {
                fraction = Double.parseDouble(ids.substring(at + 1));
                ids = ids.substring(0, at);
            }
            total += ids.isEmpty() ? 0 : ids.split("\\+").length * fraction;
        }
        return total;
    }
}

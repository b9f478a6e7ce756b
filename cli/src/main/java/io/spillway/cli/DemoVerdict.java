package io.spillway.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Whether the demo showed what it promises, and if not, each thing that is missing, in words. */
final class DemoVerdict {

    private DemoVerdict() {
    }

    /**
     * What is wrong with the run; empty when every job succeeded exactly once, some ran at the burst site, the burst
     * was released and every result is home.
     *
     * @param burst the burst the jobs were rerouted by, or {@code null} when none was
     * @param resultHome whether the job's result file is in the home site's results filesystem, where it belongs
     */
    static List<String> problems(List<DemoJob> jobs, BurstFacts burst, Predicate<DemoJob> resultHome) {
        List<String> problems = new ArrayList<>();
        for (DemoJob job : jobs) {
            String who = job.name() + " (" + Jobs.shortId(job.id()) + ")";
            if (!job.succeeded()) {
                problems.add(who + " is " + job.state() + ", not SUCCEEDED"
                        + (job.failure() == null ? "" : ": " + job.failure()));
            }
            if (job.sites().size() > 1) {
                problems.add(who + " started " + job.sites().size() + " times " + job.sites() + ", not once");
            }
            if (job.reroutes() > 1) {
                problems.add(who + " was rerouted " + job.reroutes() + " times, not once");
            }
            if (job.succeeded() && !resultHome.test(job)) {
                String where = "results/" + job.resultDirectory(BurstDemo.HOME_SITE) + "/";
                problems.add(job.ranAwayFrom(BurstDemo.HOME_SITE) ? who + ": its result is not home in " + where
                        : who + ": its result is missing from " + where);
            }
        }
        if (jobs.stream().noneMatch(DemoJob::rerouted)) {
            problems.add("no job was rerouted to the burst site: the queue did not overflow long enough, or the "
                    + "burst did not get its data ready (see GET /api/v1/bursts on the burst-coordinator)");
        } else if (burst == null) {
            problems.add("jobs were rerouted, but the burst-coordinator does not show their burst");
        } else if (!burst.released()) {
            problems.add("burst " + burst.burstId() + " is " + burst.phase() + ", not RELEASED"
                    + (burst.failure() == null ? "" : ": " + burst.failure()));
        }
        return problems;
    }
}

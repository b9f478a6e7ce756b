package io.spillway.burst.api;

import java.time.Instant;
import java.util.List;

import io.spillway.burst.saga.BurstJob;
import io.spillway.burst.saga.BurstState;
import io.spillway.burst.saga.Transfer;
import io.spillway.burst.saga.TransferState;

/**
 * One burst as the API shows it: enough for a timeline (the time of every step) and the totals.
 *
 * @param transfers the data taken to the burst site
 * @param totals what travelled and ran so far
 */
public record BurstView(
        String burstId,
        String homeSite,
        String burstSite,
        String phase,
        boolean open,
        int signals,
        boolean queueDrained,
        Instant openedAt,
        Instant readyAt,
        Instant endedAt,
        String failedStep,
        String failureReason,
        List<JobView> jobs,
        List<TransferView> transfers,
        Totals totals) {

    static BurstView of(BurstState burst) {
        return new BurstView(burst.burstId(), burst.homeSite(), burst.burstSite(), burst.phase().name(),
                burst.open(), burst.signals(), burst.queueDrained(), burst.openedAt(), burst.readyAt(),
                burst.endedAt(), burst.failedStep(), burst.failureReason(),
                burst.jobs().stream().map(JobView::of).toList(),
                burst.data().stream().map(TransferView::of).toList(), Totals.of(burst));
    }

    /** A job of the burst, with its results on their way home. */
    public record JobView(String jobId, String project, double gpus, String state, String note, Instant reroutedAt,
            Instant endedAt, String results, List<TransferView> resultTransfers) {

        static JobView of(BurstJob job) {
            return new JobView(job.jobId(), job.project(), job.gpus(), job.state().name(), job.note(),
                    job.reroutedAt(), job.endedAt(), job.resultsState().name(),
                    job.results().stream().map(TransferView::of).toList());
        }
    }

    /** One snapshot-and-restore, with the time of each step. */
    public record TransferView(String filesystem, String path, String target, String state, String snapshotId,
            Instant snapshotRequestedAt, String locator, long bytesUploaded, Instant snapshotUploadedAt,
            String restoreId, Instant restoreRequestedAt, List<String> readyPaths, Instant restoreEndedAt,
            String failure) {

        static TransferView of(Transfer transfer) {
            return new TransferView(transfer.filesystem(), transfer.path(), transfer.target(),
                    transfer.state().name(), transfer.snapshotId(), transfer.snapshotRequestedAt(),
                    transfer.locator(), transfer.bytesUploaded(), transfer.snapshotUploadedAt(),
                    transfer.restoreId(), transfer.restoreRequestedAt(), transfer.readyPaths(),
                    transfer.restoreEndedAt(), transfer.failure());
        }
    }

    /**
     * @param jobsRun jobs that ended at the burst site
     * @param bytesToBurstSite what the data snapshots uploaded
     * @param bytesToHomeSite what the results snapshots uploaded
     */
    public record Totals(int jobsRun, long bytesToBurstSite, long bytesToHomeSite, double gpusCommitted) {

        static Totals of(BurstState burst) {
            int jobsRun = (int) burst.jobs().stream().filter(job -> job.state().ranAtBurstSite()).count();
            long out = burst.data().stream().filter(BurstView::uploaded).mapToLong(Transfer::bytesUploaded).sum();
            long home = burst.jobs().stream().flatMap(job -> job.results().stream()).filter(BurstView::uploaded)
                    .mapToLong(Transfer::bytesUploaded).sum();
            return new Totals(jobsRun, out, home, burst.gpusCommitted());
        }
    }

    private static boolean uploaded(Transfer transfer) {
        return transfer.snapshotUploadedAt() != null && transfer.state() != TransferState.SNAPSHOTTING;
    }

}

package io.spillway.snapshot.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.repository.WarmUp;
import io.spillway.snapshot.repository.WarmUpDirectory;
import io.spillway.snapshot.s3.S3SnapshotStore;

/**
 * Starts the {@link WarmUp} in the background when the worker starts: requests are taken meanwhile, and a failure
 * is logged and changes nothing else (the warm-up touches neither the sites nor the object store).
 */
@ApplicationScoped
public class WarmUpOnStart {

    private static final Logger LOG = Logger.getLogger(WarmUpOnStart.class);

    void start(@Observes StartupEvent event, SnapshotWorkerConfig.Snapshot config, S3SnapshotStore store) {
        if (!config.warmUp().enabled()) {
            return;
        }
        boolean encrypted = store.encrypted();
        Thread warmUp = new Thread(() -> {
            try {
                WarmUp.Result result = WarmUp.run(WarmUpDirectory.choose(config.warmUp().directory()), encrypted,
                        SnapshotComponents.chunker(config.chunking().algorithm()), config.restoreThreads(),
                        WarmUp.DEFAULT_FILES, WarmUp.DEFAULT_ROUNDS);
                LOG.infof("Warmed up the snapshot and restore path: %d files (%d KiB), %d restores, in %d ms",
                        result.files(), result.bytes() / 1024, result.restores(), result.took().toMillis());
            } catch (RuntimeException e) {
                LOG.warnf(e, "The warm-up failed; the first restore may run slower, nothing else is affected");
            }
        }, "snapshot-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }
}

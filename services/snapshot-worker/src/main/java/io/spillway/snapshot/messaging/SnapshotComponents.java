package io.spillway.snapshot.messaging;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.spillway.snapshot.config.SnapshotWorkerConfig;
import io.spillway.snapshot.domain.Chunker;
import io.spillway.snapshot.domain.FastCdcChunker;
import io.spillway.snapshot.domain.FixedSizeChunker;
import io.spillway.snapshot.domain.ServedSites;
import io.spillway.snapshot.domain.SiteRoots;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.posix.SnapshotTaker;
import io.spillway.snapshot.s3.S3SnapshotStore;

/** Wires the pure snapshot core to its adapters. */
@ApplicationScoped
public class SnapshotComponents {

    private static final Logger LOG = Logger.getLogger(SnapshotComponents.class);

    /** Checked at start: a worker serving a site it has no root for stops there, not at that site's first request. */
    @Produces
    @Startup
    @Singleton
    ServedSites servedSites(SnapshotWorkerConfig.Snapshot config) {
        ServedSites served = ServedSites.of(config.serves(), config.sites().keySet());
        LOG.infof("Serving site(s) %s: requests for any other site are left to that site's snapshot-worker", served);
        return served;
    }

    @Produces
    @ApplicationScoped
    SiteRoots siteRoots(SnapshotWorkerConfig.Snapshot config) {
        Map<String, Path> roots = new TreeMap<>();
        config.sites().forEach((site, settings) -> roots.put(site, settings.root()));
        return new SiteRoots(roots);
    }

    @Produces
    @ApplicationScoped
    SnapshotTaker snapshotTaker(S3SnapshotStore store, SnapshotWorkerConfig.Snapshot config) {
        return new SnapshotTaker(chunker(config.chunking().algorithm()), store, store, Clock.systemUTC());
    }

    @Produces
    @ApplicationScoped
    SnapshotRestorer snapshotRestorer(S3SnapshotStore store, SnapshotWorkerConfig.Snapshot config) {
        return new SnapshotRestorer(store, config.restoreThreads());
    }

    static Chunker chunker(SnapshotWorkerConfig.Algorithm algorithm) {
        return switch (algorithm) {
            case FASTCDC -> new FastCdcChunker();
            case FIXED -> new FixedSizeChunker();
        };
    }
}

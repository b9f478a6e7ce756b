package io.spillway.bench.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpServer;

import io.spillway.snapshot.domain.FastCdcChunker;
import io.spillway.snapshot.domain.Manifest;
import io.spillway.snapshot.domain.RestoreResult;
import io.spillway.snapshot.domain.SnapshotLayout;
import io.spillway.snapshot.domain.SnapshotResult;
import io.spillway.snapshot.posix.SnapshotRestorer;
import io.spillway.snapshot.posix.SnapshotTaker;
import io.spillway.snapshot.repository.PackStore;
import io.spillway.snapshot.repository.Sealer;
import io.spillway.snapshot.repository.WarmUp;
import io.spillway.snapshot.repository.WarmUpDirectory;
import io.spillway.snapshot.s3.S3ClientProducer;
import io.spillway.snapshot.s3.S3ObjectStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * snapshot-worker's snapshot and restore as a command, so the benchmark can time it and measure its memory as one
 * process, the way it does restic and rclone. It uses the worker's own core (SnapshotTaker with the default
 * FastCdcChunker, SnapshotRestorer with its default threads) and its S3 store, without the service around them
 * (no Kafka, no catalogue).
 *
 * <pre>
 * SpillwaySnapshotTool snapshot --endpoint URL --bucket B --access-key K --secret-key S --source DIR --id ID [--parent LOCATOR]
 * SpillwaySnapshotTool restore  --endpoint URL --bucket B --access-key K --secret-key S --locator LOCATOR --target DIR
 * SpillwaySnapshotTool serve    --endpoint URL --bucket B --access-key K --secret-key S --port P
 * </pre>
 *
 * <p>
 * {@code serve} runs the way snapshot-worker does: one long-lived process with one S3 client and one repository
 * (its index in memory), taking one operation after another: {@code POST /snapshot?source=&id=[&parent=]} and
 * {@code POST /restore?locator=&target=} answer with the same line the commands print, plus the process's peak
 * resident memory so far.
 */
public final class SpillwaySnapshotTool {

    static final String SITE = "bench";
    static final String FILESYSTEM = "dataset";

    private SpillwaySnapshotTool() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !List.of("snapshot", "restore", "serve").contains(args[0])) {
            usage("first argument: snapshot, restore or serve");
        }
        Map<String, String> options = options(args);
        try (S3Client s3 = s3Client(options)) {
            PackStore store = store(s3, required(options, "bucket"), options.get("key"));
            try {
                if (args[0].equals("serve")) {
                    warmUp(options.get("key") != null, options);
                    serve(store, Integer.parseInt(required(options, "port")));
                } else if (args[0].equals("snapshot")) {
                    snapshot(store, options);
                } else {
                    restore(store, options);
                }
            } finally {
                store.close();
            }
        }
    }

    /** Serves operations one at a time until the process is stopped, as the service takes requests. */
    private static void serve(PackStore store, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            server.createContext("/", exchange -> {
                String answer;
                int status = 200;
                try {
                    long[] cpuBefore = ProcessCpu.userAndSystemMillis(ProcessHandle.current().pid());
                    Map<String, String> options = query(exchange.getRequestURI().getRawQuery());
                    ByteArrayOutputStream printed = new ByteArrayOutputStream();
                    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                    switch (exchange.getRequestURI().getPath()) {
                        case "/snapshot" -> snapshot(store, options, out);
                        case "/restore" -> restore(store, options, out);
                        default -> throw new IllegalArgumentException("POST /snapshot or /restore");
                    }
                    answer = printed.toString(StandardCharsets.UTF_8).trim() + " workerPeakRssKiB=" + peakRssKiB()
                            + cpuSince(cpuBefore) + "\n";
                } catch (RuntimeException e) {
                    status = 500;
                    answer = e + "\n";
                }
                byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream response = exchange.getResponseBody()) {
                    response.write(body);
                }
            });
            server.start();
            System.out.println("serving on port " + port);
            Thread.currentThread().join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What snapshot-worker does when it starts (spillway.snapshot.warm-up.enabled, on unless turned off): the
     * snapshot and restore path once over generated data in memory, so its first restore does not pay for the JIT.
     * The service does it in the background while it already takes requests; here it is done before the first
     * request, as for a worker that has been up a few seconds. {@code --warm-up false} leaves it out.
     */
    private static void warmUp(boolean encrypted, Map<String, String> options) {
        if (options.getOrDefault("warm-up", "true").equals("false")) {
            return;
        }
        long[] cpuBefore = ProcessCpu.userAndSystemMillis(ProcessHandle.current().pid());
        WarmUp.Result result = WarmUp.run(WarmUpDirectory.choose(Optional.empty()), encrypted, new FastCdcChunker(),
                SnapshotRestorer.DEFAULT_THREADS, WarmUp.DEFAULT_FILES, WarmUp.DEFAULT_ROUNDS);
        System.out.printf("warmed up: %d files, %d restores in %d ms%s%n", result.files(), result.restores(),
                result.took().toMillis(), cpuSince(cpuBefore));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> options = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                options.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return options;
    }

    /**
     * The CPU time (user and system) the whole process spent since {@code before}: the operation's threads, and the
     * JIT and garbage collector working for it. Nothing where /proc does not say.
     */
    private static String cpuSince(long[] before) {
        long[] after = ProcessCpu.userAndSystemMillis(ProcessHandle.current().pid());
        if (before == null || after == null) {
            return "";
        }
        return " workerUserMs=" + (after[0] - before[0]) + " workerSystemMs=" + (after[1] - before[1]);
    }

    /** The process's peak resident set so far (VmHWM), in KiB; 0 where /proc does not say. */
    private static long peakRssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: no figure.
        }
        return 0;
    }

    private static void snapshot(PackStore store, Map<String, String> options) {
        snapshot(store, options, System.out);
    }

    private static void restore(PackStore store, Map<String, String> options) {
        restore(store, options, System.out);
    }

    private static void snapshot(PackStore store, Map<String, String> options, PrintStream out) {
        // What the service does per snapshot: read the parent manifest, then take the snapshot.
        long started = System.nanoTime();
        Manifest parent = null;
        String parentLocator = options.get("parent");
        if (parentLocator != null) {
            parent = store.get(parentLocator).orElseThrow(
                    () -> new IllegalArgumentException("--parent: no manifest at " + parentLocator));
        }
        SnapshotTaker taker = new SnapshotTaker(new FastCdcChunker(), store, store, Clock.systemUTC());
        SnapshotResult result = taker.take(new SnapshotTaker.Request(SnapshotLayout.requireSafeId(
                required(options, "id")), SITE, FILESYSTEM, null, Path.of(required(options, "source"))), parent);
        out.printf("locator=%s filesRead=%d filesSkipped=%d bytesScanned=%d bytesUploaded=%d chunksNew=%d "
                + "chunksReused=%d durationMs=%d%n", result.locator(), result.filesRead(), result.filesSkipped(),
                result.bytesScanned(), result.bytesUploaded(), result.chunksNew(), result.chunksReused(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private static void restore(PackStore store, Map<String, String> options, PrintStream out) {
        // What the service does per restore: read the manifest, then restore it.
        long started = System.nanoTime();
        String locator = required(options, "locator");
        Manifest manifest = store.get(locator)
                .orElseThrow(() -> new IllegalArgumentException("--locator: no manifest at " + locator));
        // The worker's spillway.snapshot.restore-threads, 8 unless told.
        int threads = Integer.parseInt(options.getOrDefault("threads", String.valueOf(SnapshotRestorer.DEFAULT_THREADS)));
        RestoreResult result = new SnapshotRestorer(store, threads).restore(new SnapshotRestorer.Request("bench-restore",
                manifest, Path.of(required(options, "target")), List.of()));
        out.printf("files=%d bytesWritten=%d chunksFetched=%d durationMs=%d%n", result.files(),
                result.bytesWritten(), result.chunksFetched(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The repository snapshot-worker runs on: packs, index and manifests in the bucket, sealed with AES-256-GCM when
     * a key is given (restic always encrypts, so the comparison runs with a key).
     */
    static PackStore store(S3Client s3, String bucket, String base64Key) {
        Sealer sealer = base64Key == null ? Sealer.none() : Sealer.aes256Gcm(Base64.getDecoder().decode(base64Key));
        return new PackStore(new S3ObjectStore(s3, bucket, true), sealer);
    }

    /** The client snapshot-worker's S3ClientProducer builds for an S3-compatible store. */
    private static S3Client s3Client(Map<String, String> options) {
        return S3ClientProducer.configure(S3Client.builder())
                .endpointOverride(URI.create(required(options, "endpoint")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        required(options, "access-key"), required(options, "secret-key"))))
                .forcePathStyle(true)
                .build();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            usage("--" + name + " is required");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("SpillwaySnapshotTool: " + problem + "\n"
                + "usage: snapshot --endpoint URL --bucket B --access-key K --secret-key S --source DIR --id ID"
                + " [--parent LOCATOR]\n"
                + "       restore --endpoint URL --bucket B --access-key K --secret-key S --locator LOCATOR"
                + " --target DIR");
        System.exit(2);
    }
}

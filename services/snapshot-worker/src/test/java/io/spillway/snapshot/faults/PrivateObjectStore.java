package io.spillway.snapshot.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.spillway.platform.S3Proxy;
import io.spillway.testing.PlatformTestResource;

/**
 * The shared platform, but an s3proxy of this test class's own, which a test may stop and start again on the same
 * port and data: an object store that goes away in the middle of an upload.
 */
public class PrivateObjectStore extends PlatformTestResource {

    private static Path dataDir;
    private static int port;
    private static S3Proxy store;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            dataDir = Files.createTempDirectory("spillway-private-s3-");
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = S3Proxy.start(dataDir, port, false);
        config.put("spillway.s3.endpoint", store.endpoint());
        config.put("spillway.s3.access-key", store.accessKey());
        config.put("spillway.s3.secret-key", store.secretKey());
        config.put("spillway.s3.bucket", store.bucket());
        config.put("spillway.s3.region", store.region());
        return config;
    }

    /** Stops the store as a crash would: whatever is in flight fails. */
    static synchronized void stopStore() {
        store.close();
    }

    /** Starts it again on its port, with what it held. */
    static synchronized void startStore() {
        store = S3Proxy.start(dataDir, port, false);
    }

    @Override
    public void stop() {
        synchronized (PrivateObjectStore.class) {
            if (store != null) {
                store.close();
                store = null;
            }
        }
        super.stop();
    }
}

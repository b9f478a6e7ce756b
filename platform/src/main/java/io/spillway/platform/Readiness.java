package io.spillway.platform;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Ports and wait-until-ready loops shared by the platform's components and the services of the local stack. */
public final class Readiness {

    /** The address every component of the platform listens on. */
    public static final String HOST = "127.0.0.1";
    // A broker took 38 s to answer on two cores shared with parallel builds (load 15); a dead process fails at once.
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private Readiness() {
    }

    /** An ephemeral port that was free a moment ago; the component binds it right after. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port on " + HOST, e);
        }
    }

    /** {@code requested}, or a free port when it is 0; fails early and clearly when a fixed port is taken. */
    static int portOrFree(int requested, String what) {
        if (requested == 0) {
            return freePort();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), requested));
            return requested;
        } catch (IOException e) {
            throw new IllegalStateException(what + " port " + requested + " on " + HOST + " is already in use", e);
        }
    }

    /**
     * Polls {@code probe} until it returns without throwing, or fails once {@code timeout} has passed.
     * {@code liveness} runs before each try and throws (with the process log) when the process died.
     */
    public static <T> T await(String what, Duration timeout, Runnable liveness, Callable<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            liveness.run();
            try {
                return probe.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            } catch (Exception e) {
                last = e;
            }
            try {
                // A poll inside the platform, not a test: a short pause between probes is all this needs.
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
        liveness.run();
        throw new IllegalStateException(what + " did not answer within " + timeout.toSeconds() + " s", last);
    }
}

package io.spillway.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transport only: a stand-in HTTP server for what the real API cannot be made to do on demand. */
class ApiClientTransportTest {

    private static final String JOB = "3f2a9c4e-1b7d-4e8a-9c2f-5d6e7f8a9b0c";

    @TempDir
    Path home;

    private HttpServer server;
    private String url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void saysHowToStartSpillwayWhenNothingListensAndExits6WithoutAStackTrace() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CliRun run = CliRun.of(env(), "list", "--url", "http://127.0.0.1:" + closedPort, "--token", "spw_t");

        assertEquals(ExitCodes.UNREACHABLE, run.exitCode(), run.toString());
        assertEquals("cannot reach Spillway at http://127.0.0.1:" + closedPort + " — is it running? Start it with "
                + "`bin/spillway up`\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void aRefusedTokenExits5AndSaysWhereTokensComeFrom() {
        AtomicReference<String> authorization = new AtomicReference<>();
        server.createContext("/api/v1/whoami", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            respond(exchange, 401, "{\"status\":401,\"error\":\"unknown token\"}");
        });

        CliRun run = CliRun.of(env(), "whoami", "--url", url, "--token", "spw_revoked");

        assertEquals("Bearer spw_revoked", authorization.get());
        assertEquals(ExitCodes.NOT_AUTHORIZED, run.exitCode(), run.toString());
        assertEquals("the token was refused (--token); set SPILLWAY_TOKEN or run `bin/spillway up`, which writes "
                + home.resolve(".spillway/credentials") + "\n", run.err());
        assertFalse(run.err().contains("spw_revoked"), "the secret is never printed");
    }

    @Test
    void followedLogsReachStdoutChunkByChunkWhileTheJobStillWrites() throws Exception {
        CountDownLatch firstChunkPrinted = new CountDownLatch(1);
        AtomicBoolean printedBeforeTheJobEnded = new AtomicBoolean();
        AtomicReference<String> query = new AtomicReference<>();
        server.createContext("/api/v1/jobs/" + JOB + "/logs", exchange -> {
            query.set(exchange.getRequestURI().getQuery());
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("epoch 1 loss 0.9\n".getBytes(StandardCharsets.UTF_8));
                body.flush();
                printedBeforeTheJobEnded.set(awaitQuietly(firstChunkPrinted));
                body.write("epoch 2 loss 0.4\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(new SignallingWriter(printed, "epoch 1", firstChunkPrinted), true);
        CommandLine cli = new CommandLine(new SpillwayCli(env()));
        cli.setOut(out);

        int exitCode = cli.execute("logs", "-f", JOB, "--url", url, "--token", "spw_t");

        assertEquals(0, exitCode);
        assertEquals("follow=true", query.get());
        assertTrue(printedBeforeTheJobEnded.get(), "the first line was on stdout before the second was written");
        assertEquals("epoch 1 loss 0.9\nepoch 2 loss 0.4\n", printed.toString());
    }

    private Map<String, String> env() {
        return Map.of("SPILLWAY_HOME", home.toString());
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Counts the latch down once {@code marker} has been written through it. */
    private static final class SignallingWriter extends java.io.Writer {
        private final StringWriter target;
        private final String marker;
        private final CountDownLatch latch;

        SignallingWriter(StringWriter target, String marker, CountDownLatch latch) {
            this.target = target;
            this.marker = marker;
            this.latch = latch;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            target.write(buffer, offset, length);
        }

        @Override
        public void flush() {
            if (target.toString().contains(marker)) {
                latch.countDown();
            }
        }

        @Override
        public void close() {
        }
    }
}

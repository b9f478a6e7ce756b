package io.spillway.cli;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitCodesTest {

    @Test
    void mapsEveryHttpStatusToTheExitCodeScriptsRelyOn() {
        Map<Integer, Integer> expected = Map.of(200, 0, 400, 3, 409, 3, 422, 3, 401, 5, 403, 5, 404, 4, 500, 7,
                503, 7, 302, 7);
        expected.forEach((status, exitCode) -> assertEquals(exitCode, ExitCodes.forStatus(status), "HTTP " + status));
    }

    @Test
    void listsEachViolatedFieldUnderTheMessage() {
        ApiException error = client().error(400, """
                {"status":400,"error":"invalid job","violations":[
                  {"field":"gpu","message":"must be greater than 0"},
                  {"field":"volumes[0]","message":"must be fs[/sub]:/mnt[:ro]"}]}""");

        assertEquals(ExitCodes.REFUSED, error.exitCode());
        assertEquals("the request was refused (HTTP 400): invalid job", error.getMessage());
        assertEquals(List.of("  gpu: must be greater than 0", "  volumes[0]: must be fs[/sub]:/mnt[:ro]"),
                error.details());
    }

    @Test
    void explainsNotFoundConflictAndServerErrorsEvenWithoutAJsonBody() {
        assertEquals(ExitCodes.NOT_FOUND, client().error(404, "{\"status\":404,\"error\":\"no job x\"}").exitCode());
        ApiException conflict = client().error(409, "{\"status\":409,\"error\":\"the job has ended\"}");
        assertEquals(ExitCodes.REFUSED, conflict.exitCode());
        assertEquals("the job has ended", conflict.getMessage());
        ApiException failed = client().error(502, "<html>Bad Gateway</html>");
        assertEquals(ExitCodes.SERVER_ERROR, failed.exitCode());
        assertEquals("Spillway failed to handle the request (HTTP 502): <html>Bad Gateway</html>; the service logs "
                + "are under .spillway/logs", failed.getMessage());
    }

    private static ApiClient client() {
        return new ApiClient(new CliConfig("http://127.0.0.1:8080", "t", "--token", java.nio.file.Path.of("c")));
    }
}

package io.spillway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CliConfigTest {

    @TempDir
    Path home;

    @Test
    void takesTheUrlFromTheFlagThenTheEnvironmentThenTheFileThenTheDefault() throws Exception {
        Map<String, String> env = Map.of("SPILLWAY_HOME", home.toString());
        assertEquals(CliConfig.DEFAULT_URL, CliConfig.resolve(env, null, null, false).url());

        new Credentials("http://file:1", "default", "spw_project", "spw_admin", "spw_service")
                .write(home.resolve(".spillway/credentials"));
        assertEquals("http://file:1", CliConfig.resolve(env, null, null, false).url());

        Map<String, String> withUrl = Map.of("SPILLWAY_HOME", home.toString(), "SPILLWAY_URL", "http://env:2/");
        assertEquals("http://env:2", CliConfig.resolve(withUrl, null, null, false).url(), "without the trailing /");
        assertEquals("http://flag:3", CliConfig.resolve(withUrl, "http://flag:3", null, false).url());
    }

    @Test
    void takesTheTokenFromTheFlagThenTheEnvironmentThenTheFile() throws Exception {
        new Credentials("http://file:1", "default", "spw_project", "spw_admin", "spw_service")
                .write(home.resolve(".spillway/credentials"));
        Map<String, String> env = Map.of("SPILLWAY_HOME", home.toString());
        Map<String, String> withToken = Map.of("SPILLWAY_HOME", home.toString(), "SPILLWAY_TOKEN", "spw_env");

        assertEquals("spw_project", CliConfig.resolve(env, null, null, false).token());
        assertEquals("spw_env", CliConfig.resolve(withToken, null, null, false).token());
        assertEquals("SPILLWAY_TOKEN", CliConfig.resolve(withToken, null, null, false).tokenSource());
        assertEquals("spw_flag", CliConfig.resolve(withToken, null, "spw_flag", false).token());
    }

    @Test
    void adminCommandsUseTheFilesAdminTokenUnlessAFlagOrTheEnvironmentGivesOne() throws Exception {
        new Credentials("http://file:1", "default", "spw_project", "spw_admin", "spw_service")
                .write(home.resolve(".spillway/credentials"));
        Map<String, String> env = Map.of("SPILLWAY_HOME", home.toString());

        assertEquals("spw_admin", CliConfig.resolve(env, null, null, true).token());
        assertEquals("spw_env", CliConfig.resolve(Map.of("SPILLWAY_HOME", home.toString(), "SPILLWAY_TOKEN",
                "spw_env"), null, null, true).token());
        assertEquals("spw_flag", CliConfig.resolve(env, null, "spw_flag", true).token());
    }

    @Test
    void readsTheCredentialsFileNamedBySpillwayCredentialsBeforeTheOneUnderSpillwayHome() throws Exception {
        new Credentials("http://home:1", "default", "spw_home", "spw_admin", "spw_service")
                .write(home.resolve(".spillway/credentials"));
        Path elsewhere = home.resolve("elsewhere.properties");
        new Credentials("http://elsewhere:1", "ml", "spw_elsewhere", null, null).write(elsewhere);

        CliConfig config = CliConfig.resolve(Map.of("SPILLWAY_HOME", home.toString(), "SPILLWAY_CREDENTIALS",
                elsewhere.toString()), null, null, false);

        assertEquals("http://elsewhere:1", config.url());
        assertEquals("spw_elsewhere", config.token());
        assertEquals(elsewhere, config.credentialsFile());
    }

    @Test
    void hasNoTokenWithoutAFlagTheEnvironmentOrAFile() {
        CliConfig config = CliConfig.resolve(Map.of("SPILLWAY_HOME", home.toString()), null, null, false);

        assertNull(config.token());
        assertEquals(home.resolve(".spillway/credentials"), config.credentialsFile());
    }

    @Test
    void saysWhereToGetATokenWhenThereIsNone() {
        CliRun run = CliRun.of(Map.of("SPILLWAY_HOME", home.toString()), "list");

        assertEquals(ExitCodes.NOT_AUTHORIZED, run.exitCode(), run.toString());
        assertEquals("no token: pass --token, set SPILLWAY_TOKEN, or run `bin/spillway up`, which writes "
                + home.resolve(".spillway/credentials") + "\n", run.err());
        assertEquals(false, Files.exists(home.resolve(".spillway")), "the CLI only reads the credentials");
    }
}

package io.spillway.cli;

import picocli.CommandLine.Option;

/** The options of every command that talks to the API: where it is, which token, how to print the answer. */
final class ApiOptions {

    @Option(names = "--url", order = 100, paramLabel = "URL", description = "The Spillway API (default: $SPILLWAY_URL, url= in the credentials file, "
            + CliConfig.DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", order = 101, paramLabel = "TOKEN", description = "Bearer token (default: $SPILLWAY_TOKEN, then token= or, for admin commands, "
            + "admin-token= in $SPILLWAY_CREDENTIALS or $SPILLWAY_HOME/.spillway/credentials).")
    String token;

    @Option(names = { "-o",
            "--output" }, order = 102, paramLabel = "table|json", defaultValue = "table", converter = Output.FormatConverter.class, description = "table for people, json (the API's JSON, pretty-printed) for scripts. Default: ${DEFAULT-VALUE}.")
    Output.Format output;

    boolean json() {
        return output == Output.Format.JSON;
    }
}

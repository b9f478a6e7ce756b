package io.spillway.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

/** {@code spillway whoami}: which token the CLI uses, and what it may do. */
@Command(name = "whoami", mixinStandardHelpOptions = true, description = "Show the token in use: admin or project token, its name and project, and where it came from.")
final class WhoamiCommand extends ApiCommand {

    @Override
    int run(ApiClient client) {
        JsonNode me = client.get("/api/v1/whoami");
        printJsonOr(me, out -> {
            String name = Output.text(me, "tokenName");
            String who = "admin".equals(Output.text(me, "kind")) ? "admin token '" + name + "' (every project)"
                    : "project token '" + name + "' for project " + Output.text(me, "project");
            out.println(who);
            out.println("  API:   " + client.config().url());
            out.println("  token: " + client.config().tokenSource());
        });
        return ExitCodes.OK;
    }
}

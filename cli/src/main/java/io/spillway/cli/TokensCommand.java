package io.spillway.cli;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spillway tokens}: API tokens (admin token only). */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "List, create and revoke API tokens (admin).", subcommands = {
        TokensCommand.ListTokens.class, TokensCommand.CreateToken.class, TokensCommand.RevokeToken.class })
final class TokensCommand {

    /** Every tokens command needs the admin token. */
    abstract static class AdminCommand extends ApiCommand {
        @Override
        boolean needsAdminToken() {
            return true;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens extends AdminCommand {

        @Option(names = { "-p", "--project" }, description = "Only this project's tokens.")
        String project;

        @Override
        int run(ApiClient client) {
            Map<String, Object> query = new HashMap<>();
            query.put("project", project);
            JsonNode tokens = client.get(ApiClient.withQuery("/api/v1/tokens", query));
            printJsonOr(tokens, out -> {
                Instant now = Instant.now();
                Table table = Table.of("ID", "NAME", "PROJECT", "ADMIN", "AGE", "REVOKED");
                tokens.forEach(token -> table.row(Output.text(token, "id"), Output.text(token, "name"),
                        Output.text(token, "project"), Output.text(token, "admin"), Output.age(Output.text(token,
                                "createdAt"), now),
                        Output.text(token, "revokedAt")));
                out.print(table.render());
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Create a token. Its secret is printed once, alone on stdout, so that TOKEN=$(spillway tokens create ...) "
                    + "works." })
    static final class CreateToken extends AdminCommand {

        @Parameters(paramLabel = "NAME", description = "A name that says who or what uses it, e.g. ci.")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        static final class Scope {
            @Option(names = { "-p", "--project" }, description = "A project token: submits and sees this project's jobs.")
            String project;

            @Option(names = "--admin", description = "An admin token: every project, projects and tokens.")
            boolean admin;
        }

        @Override
        int run(ApiClient client) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("project", scope.admin ? null : scope.project);
            JsonNode created = client.post("/api/v1/tokens", body);
            if (!printedJson(created)) {
                out().println(created.path("token").asText());
                out().flush();
                err().println("token '" + name + "' created (id " + Output.text(created, "id") + ", "
                        + (scope.admin ? "admin" : "project " + scope.project) + "); the secret above is shown only "
                        + "once. Use it as SPILLWAY_TOKEN or with --token.");
                err().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: refused at once by the replica that revoked it, within 2 s by every other.")
    static final class RevokeToken extends AdminCommand {

        @Parameters(paramLabel = "ID", description = "The token's id (see tokens list).")
        String id;

        @Override
        int run(ApiClient client) {
            client.delete("/api/v1/tokens/" + ApiClient.encode(id));
            if (!api.json()) {
                out().println("token " + id + " revoked");
                out().flush();
            }
            return ExitCodes.OK;
        }
    }
}

package io.spillway.cli;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spillway audit}: who changed what, when and from where (admin token only). */
@Command(name = "audit", mixinStandardHelpOptions = true, description = {
        "Who submitted, cancelled, created, changed or revoked what, when and from where, newest first (admin)." })
final class AuditCommand extends ApiCommand {

    @Option(names = "--since", description = "A time (2026-12-07T10:00:00Z) or an age (90s, 15m, 2h, 7d).")
    String since;

    @Option(names = "--action", description = "Only this action, e.g. job.submit, job.cancel, token.revoke.")
    String action;

    @Option(names = "--token-name", description = "Only what this token did (its name).")
    String tokenName;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many entries (1-1000, default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    boolean needsAdminToken() {
        return true;
    }

    @Override
    int run(ApiClient client) {
        Map<String, Object> query = new HashMap<>();
        query.put("since", since);
        query.put("action", action);
        query.put("token", tokenName);
        query.put("limit", limit);
        JsonNode entries = client.get(ApiClient.withQuery("/api/v1/audit", query));
        printJsonOr(entries, out -> {
            Table table = Table.of("AT", "ACTION", "TARGET", "TOKEN", "PROJECT", "FROM");
            entries.forEach(entry -> table.row(Output.text(entry, "at"), Output.text(entry, "action"),
                    Output.text(entry, "target"), Output.text(entry, "tokenName"), Output.text(entry, "project"),
                    Output.text(entry, "sourceAddress")));
            out.print(table.render());
        });
        return ExitCodes.OK;
    }
}

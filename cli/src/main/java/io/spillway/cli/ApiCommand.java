package io.spillway.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the API. It reports every failure as a message on stderr and an exit code from
 * {@link ExitCodes}, never as a stack trace, however the {@code CommandLine} around it was built.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    /** Runs the command against the API and returns its exit code. */
    abstract int run(ApiClient client) throws Exception;

    /** Whether the command uses the credentials file's admin token when no flag or environment token is given. */
    boolean needsAdminToken() {
        return false;
    }

    @Override
    public final Integer call() {
        try {
            return run(new ApiClient(CliConfig.resolve(env(), api.url, api.token, needsAdminToken())));
        } catch (ParameterException e) {
            // picocli prints it with the usage help and exits 2.
            throw e;
        } catch (CliException e) {
            return e.reportTo(err());
        } catch (Exception e) {
            err().println("unexpected error in the spillway CLI: " + e + " (set SPILLWAY_DEBUG=1 for the stack trace)");
            if (env().get("SPILLWAY_DEBUG") != null) {
                e.printStackTrace(err());
            }
            err().flush();
            return 1;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The environment the CLI was started with; tests give {@link SpillwayCli} their own. */
    Map<String, String> env() {
        return SpillwayCli.env(spec);
    }

    /** Prints the API's JSON for {@code -o json}; returns whether it did, so table rendering can be skipped. */
    boolean printedJson(JsonNode json) {
        if (!api.json()) {
            return false;
        }
        out().println(Output.pretty(json));
        out().flush();
        return true;
    }

    /** Prints {@code human}'s output unless {@code -o json} printed the API's JSON instead. */
    void printJsonOr(JsonNode json, Consumer<PrintWriter> human) {
        if (!printedJson(json)) {
            human.accept(out());
            out().flush();
        }
    }

    /**
     * Prints a page of a list: the API's JSON for {@code -o json}; otherwise the table of {@code items}, or
     * {@code empty} when there are none, then {@code more} unless it is {@code null}. The notes go to stderr so that
     * a script reading stdout sees only the table.
     */
    void printPage(JsonNode page, JsonNode items, Supplier<Table> table, String empty, String more) {
        if (printedJson(page)) {
            return;
        }
        if (items.isEmpty()) {
            err().println(empty);
        } else {
            out().print(table.get().render());
            if (more != null) {
                err().println(more);
            }
        }
        out().flush();
        err().flush();
    }

    /**
     * Runs {@code action} on every item even when one fails, so one bad id does not leave the rest undone; each
     * failure is reported as it happens, and the exit code is that of the first.
     */
    int forEachReportingFirstFailure(List<String> items, Consumer<String> action) {
        int exitCode = ExitCodes.OK;
        for (String item : items) {
            int result;
            try {
                action.accept(item);
                result = ExitCodes.OK;
            } catch (CliException e) {
                result = e.reportTo(err());
            }
            if (exitCode == ExitCodes.OK) {
                exitCode = result;
            }
        }
        return exitCode;
    }

    /**
     * DELETE {@code path}, explaining the API's 409 and (unless {@code notFound} is {@code null}) 404 in the
     * command's own words; any other failure stays the API's.
     */
    static JsonNode deleteExplaining(ApiClient client, String path, Function<ApiException, String> refused,
            String notFound) {
        try {
            return client.delete(path);
        } catch (ApiException e) {
            if (e.status() == 409) {
                throw new CliException(ExitCodes.REFUSED, refused.apply(e));
            }
            if (e.status() == 404 && notFound != null) {
                throw new CliException(ExitCodes.NOT_FOUND, notFound);
            }
            throw e;
        }
    }
}

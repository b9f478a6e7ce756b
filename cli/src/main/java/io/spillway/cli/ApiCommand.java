package io.spillway.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

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
            err().println(e.getMessage());
            e.details().forEach(err()::println);
            err().flush();
            return e.exitCode();
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
        return spec.root().userObject() instanceof SpillwayCli cli ? cli.env() : System.getenv();
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
}

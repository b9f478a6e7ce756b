package io.spillway.cli;

import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code spillway} command line: the local stack ({@code up}, {@code down}, {@code demo}) and the researcher's commands on
 * the
 * job-intake API ({@code submit}, {@code list}, {@code describe}, {@code logs}, {@code delete}, {@code status},
 * {@code snapshot}, {@code projects}, {@code tokens}, {@code whoami}).
 *
 * <p>
 * Exit codes scripts can trust: 0 ok; 1 the job, snapshot or restore ended unsuccessfully ({@code --wait}; also an unexpected
 * error
 * inside the CLI); 2 usage error (unknown flag, invalid value such as {@code --gpu abc}, ambiguous job reference);
 * 3 the server refused the request (validation, conflict); 4 not found; 5 not authorized (401/403, or no token);
 * 6 cannot reach the server (connection refused, timeout); 7 server error (5xx).
 */
@Command(name = "spillway", mixinStandardHelpOptions = true, version = "spillway 0.1.0-SNAPSHOT", description = "Spillway: GPU jobs, fair share, snapshots and cloud bursting.", subcommands = {
        UpCommand.class, DownCommand.class, DemoCommand.class, SubmitCommand.class, ListCommand.class, DescribeCommand.class,
        LogsCommand.class, DeleteCommand.class, StatusCommand.class, SnapshotCommand.class, ProjectsCommand.class,
        TokensCommand.class, AuditCommand.class,
        WhoamiCommand.class }, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:ok",
                "1:the job, snapshot or restore ended unsuccessfully (--wait); snapshot check found damage",
                "2:usage error (bad flag or value, ambiguous job)",
                "3:the server refused the request (validation, conflict)",
                "4:not found",
                "5:not authorized (token missing, refused or not allowed)",
                "6:cannot reach the server (connection refused, timeout)",
                "7:server error (HTTP 5xx)" }, footer = { "",
                        "Settings, highest first: --url and --token; $SPILLWAY_URL and $SPILLWAY_TOKEN;",
                        "then the credentials file: $SPILLWAY_CREDENTIALS, else",
                        "$SPILLWAY_HOME/.spillway/credentials (written by `spillway up`)." })
public class SpillwayCli {

    private final Map<String, String> env;

    public SpillwayCli() {
        this(System.getenv());
    }

    /** A CLI that reads its settings from {@code env} instead of the process environment (tests). */
    public SpillwayCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    Map<String, String> env() {
        return env;
    }

    /** The environment {@code spec}'s command runs with: the root {@link SpillwayCli}'s, else the process's. */
    static Map<String, String> env(CommandSpec spec) {
        return spec.root().userObject() instanceof SpillwayCli cli ? cli.env() : System.getenv();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SpillwayCli()).execute(args));
    }
}

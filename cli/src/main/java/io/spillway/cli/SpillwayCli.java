package io.spillway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spillway} command line. */
@Command(name = "spillway", mixinStandardHelpOptions = true, version = "spillway 0.1.0-SNAPSHOT", description = "Spillway: GPU jobs, fair share, snapshots and cloud bursting.", subcommands = {
        UpCommand.class, DownCommand.class })
public class SpillwayCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new SpillwayCli()).execute(args));
    }
}

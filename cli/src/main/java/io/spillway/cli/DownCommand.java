package io.spillway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.spillway.cli.stack.LocalStack;
import io.spillway.cli.stack.ServiceProcess;
import io.spillway.platform.PlatformMain;
import picocli.CommandLine.Command;

/** {@code spillway down}: stops every service and the platform that {@code spillway up} started. */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every Spillway service and the platform.")
public class DownCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        StackPaths paths = StackPaths.fromEnvironment();
        List<String> reversed = new java.util.ArrayList<>(LocalStack.SERVICE_NAMES);
        reversed.addAll(LocalStack.replicaNames());
        java.util.Collections.reverse(reversed);
        reversed.addAll(LocalStack.RETIRED_NAMES);
        for (String service : reversed) {
            Long pid = UpCommand.runningPid(paths, service);
            if (pid != null) {
                ServiceProcess.find(pid).ifPresent(handle -> ServiceProcess.stop(handle, Duration.ofSeconds(15)));
                System.out.printf("  %-22s stopped (pid %d)%n", service, pid);
            }
            Files.deleteIfExists(paths.pidFile(service));
        }
        if (Files.exists(paths.platform())) {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), PlatformMain.class.getName(), "stop", "--state-dir",
                    paths.platform().toString());
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                System.err.println("The platform did not stop cleanly (exit code " + exit + ")");
                return exit;
            }
        }
        System.out.println("Spillway is down.");
        return 0;
    }
}

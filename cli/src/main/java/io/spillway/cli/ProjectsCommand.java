package io.spillway.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code spillway projects}: the projects and their GPU quotas (changes need the admin token). */
@Command(name = "projects", mixinStandardHelpOptions = true, description = "List, create, update and delete projects and their GPU quotas.", subcommands = {
        ProjectsCommand.ListProjects.class, ProjectsCommand.CreateProject.class, ProjectsCommand.UpdateProject.class,
        ProjectsCommand.DeleteProject.class })
final class ProjectsCommand {

    static String path(String name) {
        return "/api/v1/projects/" + ApiClient.encode(name);
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List projects.")
    static final class ListProjects extends ApiCommand {

        @Override
        int run(ApiClient client) {
            JsonNode projects = client.get("/api/v1/projects");
            printJsonOr(projects, out -> out.print(table(projects, Instant.now()).render()));
            return ExitCodes.OK;
        }

        static Table table(JsonNode projects, Instant now) {
            Table table = Table.of("NAME", "DESERVED", "WEIGHT", "LIMIT", "DEPARTMENT", "AGE");
            for (JsonNode project : projects) {
                table.row(Output.text(project, "name"), Output.number(project.path("deservedGpus")),
                        Output.number(project.path("overQuotaWeight")), Output.number(project.path("limitGpus")),
                        Output.text(project, "department"), Output.age(Output.text(project, "createdAt"), now));
            }
            return table;
        }
    }

    /** The quota options of create and update. */
    static final class Quota {

        @Option(names = "--deserved-gpus", paramLabel = "GPUS", description = "GPUs the project is guaranteed.")
        Double deservedGpus;

        @Option(names = "--over-quota-weight", paramLabel = "WEIGHT", description = "Its share of GPUs beyond the deserved ones.")
        Double overQuotaWeight;

        @Option(names = "--limit-gpus", paramLabel = "GPUS|none", converter = LimitConverter.class, description = "At most this many GPUs; none for no limit.")
        Limit limitGpus;

        @Option(names = "--department", description = "Department, for reports.")
        String department;

        /** {@code base} (the project as it is, or empty) with the given options applied. */
        Map<String, Object> applyTo(String name, JsonNode base) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            put(body, "deservedGpus", deservedGpus, base);
            put(body, "overQuotaWeight", overQuotaWeight, base);
            if (limitGpus != null) {
                body.put("limitGpus", limitGpus.gpus());
            } else {
                put(body, "limitGpus", null, base);
            }
            put(body, "department", department, base);
            return body;
        }

        private static void put(Map<String, Object> body, String field, Object value, JsonNode base) {
            if (value != null) {
                body.put(field, value);
            } else if (base.hasNonNull(field)) {
                JsonNode existing = base.get(field);
                body.put(field, existing.isNumber() ? existing.numberValue() : existing.asText());
            }
        }
    }

    /** A GPU limit; {@code null} GPUs for none. */
    record Limit(Double gpus) {
    }

    /** A number of GPUs, or {@code none}. */
    static final class LimitConverter implements ITypeConverter<Limit> {

        @Override
        public Limit convert(String value) {
            if ("none".equals(value.trim().toLowerCase(Locale.ROOT))) {
                return new Limit(null);
            }
            try {
                return new Limit(Double.valueOf(value.trim()));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number of GPUs or none");
            }
        }
    }

    /** What create and update share: the project's name, its quota options, and the admin token. */
    abstract static class QuotaChange extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        Quota quota;

        @Override
        boolean needsAdminToken() {
            return true;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project (admin).")
    static final class CreateProject extends QuotaChange {

        @Override
        int run(ApiClient client) {
            JsonNode created = client.post("/api/v1/projects", quota.applyTo(name, Output.JSON.createObjectNode()));
            printJsonOr(created, out -> out.println("project " + name + " created"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a project's quota (admin); options not given keep their value.")
    static final class UpdateProject extends QuotaChange {

        @Override
        int run(ApiClient client) {
            // PUT replaces the project: start from what it is so that only the given options change.
            JsonNode current = client.get(path(name));
            JsonNode updated = client.put(path(name), quota.applyTo(name, current));
            printJsonOr(updated, out -> out.println("project " + name + " updated"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a project (admin); refused while it has jobs that have not ended.")
    static final class DeleteProject extends ApiCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        boolean needsAdminToken() {
            return true;
        }

        @Override
        int run(ApiClient client) {
            deleteExplaining(client, path(name), e -> e.serverMessage() + " (see `spillway list -p " + name
                    + "`, then `spillway delete JOB...`)", null);
            if (!api.json()) {
                out().println("project " + name + " deleted");
                out().flush();
            }
            return ExitCodes.OK;
        }
    }
}

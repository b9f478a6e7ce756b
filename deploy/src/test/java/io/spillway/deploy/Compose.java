package io.spillway.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as Compose reads it: variables interpolated (defaults taken, required ones given a test value),
 * anchors and merge keys resolved.
 */
final class Compose {

    /** What {@code ${PWD}} stands for in the test: where a user's checkout would be. */
    static final String CHECKOUT = "/home/user/spillway";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?])([^}]*))?}");

    private final Map<String, Object> services;

    private Compose(Map<String, Object> services) {
        this.services = services;
    }

    @SuppressWarnings("unchecked")
    static Compose load() {
        // Compose interpolates values, not comments.
        String text = interpolate(Project.read(Project.root().resolve("docker-compose.yml")).lines()
                .filter(line -> !line.trim().startsWith("#")).collect(Collectors.joining("\n")));
        Map<String, Object> file = new Yaml().load(text);
        return new Compose((Map<String, Object>) file.get("services"));
    }

    static String interpolate(String text) {
        StringBuilder out = new StringBuilder();
        Matcher variable = VARIABLE.matcher(text);
        int last = 0;
        while (variable.find()) {
            // "$${" is an escaped dollar, not a variable.
            if (variable.start() > 0 && text.charAt(variable.start() - 1) == '$') {
                continue;
            }
            out.append(text, last, variable.start());
            String name = variable.group(1);
            String value;
            if (name.equals("PWD")) {
                value = CHECKOUT;
            } else if ("-".equals(variable.group(2))) {
                value = variable.group(3);
            } else if ("?".equals(variable.group(2))) {
                value = "value-of-" + name;
            } else {
                throw new IllegalStateException("${" + name + "} has no default: docker compose would warn and use ''");
            }
            out.append(value);
            last = variable.end();
        }
        out.append(text.substring(last));
        return out.toString().replace("$$", "$");
    }

    List<String> names() {
        return List.copyOf(services.keySet());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> service(String name) {
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        if (service == null) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    /** The image's repository name without registry prefix and tag: {@code spillway/job-intake:1} is job-intake. */
    String module(String name) {
        String image = String.valueOf(service(name).get("image"));
        String repository = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    boolean isSpillway(String name) {
        String image = String.valueOf(service(name).get("image"));
        return image.startsWith("spillway/") && Project.SERVICES.contains(module(name));
    }

    @SuppressWarnings("unchecked")
    Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> env = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> env.put(String.valueOf(key), value == null ? "" : String.valueOf(value)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String assignment = String.valueOf(entry);
                int equals = assignment.indexOf('=');
                env.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    Map<String, String> dependsOn(String name) {
        Map<String, String> conditions = new LinkedHashMap<>();
        Object dependsOn = service(name).get("depends_on");
        if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((service, condition) -> conditions.put(String.valueOf(service),
                    String.valueOf(((Map<String, Object>) condition).get("condition"))));
        } else if (dependsOn instanceof List<?> list) {
            list.forEach(service -> conditions.put(String.valueOf(service), "service_started"));
        }
        return conditions;
    }

    /** {@code host:container} port pairs the service publishes. */
    @SuppressWarnings("unchecked")
    Map<Integer, Integer> ports(String name) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (Object port : (List<Object>) service(name).getOrDefault("ports", List.of())) {
            String[] parts = String.valueOf(port).split(":");
            ports.put(Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1]));
        }
        return ports;
    }

    @SuppressWarnings("unchecked")
    List<String> volumes(String name) {
        return ((List<Object>) service(name).getOrDefault("volumes", List.of())).stream().map(String::valueOf).toList();
    }
}

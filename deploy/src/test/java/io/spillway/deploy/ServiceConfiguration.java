package io.spillway.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;

/**
 * A service's configuration as it would start in a container: its own {@code application.properties}, the service
 * kit's shared defaults, and the environment a deployment gives it, resolved by SmallRye Config the way Quarkus does
 * (environment variables mapped onto property names, the {@code prod} profile). What it needs is derived from the
 * service itself: every {@code @ConfigMapping} of the service and the kit, and every {@code @ConfigProperty} without
 * a default.
 */
final class ServiceConfiguration {

    /** Loopback in a container is the container itself: a setting left there reaches nothing. */
    private static final Pattern LOOPBACK = Pattern.compile("//(127\\.0\\.0\\.1|localhost)[:/]|^(127\\.0\\.0\\.1|localhost):");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile(
            "@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"(\\s*,\\s*defaultValue\\s*=\\s*\"[^\"]*\")?\\)\\s*(\\w+)");

    private final String service;
    private final SmallRyeConfig config;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> knownNames = new TreeSet<>();

    private ServiceConfiguration(String service, Map<String, String> environment) {
        this.service = service;
        Properties own = properties(Project.service(service).resolve("src/main/resources/application.properties"));
        Properties kit = properties(Project.root()
                .resolve("services/service-kit/src/main/resources/META-INF/microprofile-config.properties"));
        Stream.of(own, kit).flatMap(p -> p.stringPropertyNames().stream())
                .filter(name -> !name.startsWith("%"))
                .forEach(knownNames::add);

        SmallRyeConfigBuilder builder = sources(environment, own, kit);
        ClassLoader classes = classLoader(service);
        for (String mapping : mappings(service)) {
            try {
                Class<?> type = Class.forName(mapping, false, classes);
                if (type.isAnnotationPresent(ConfigMapping.class)) {
                    builder.withMapping(type);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load " + mapping + " of " + service, e);
            }
        }
        SmallRyeConfig built;
        try {
            built = builder.build();
        } catch (ConfigValidationException e) {
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(e.getProblem(i).getMessage());
            }
            // The same sources without the mappings, so the remaining checks still read what was given.
            built = sources(environment, own, kit).build();
        }
        this.config = built;
        for (String required : requiredProperties(service)) {
            if (config.getOptionalValue(required, String.class).isEmpty()) {
                problems.add(required + " has no default and no value");
            }
        }
        for (String name : knownNames) {
            config.getOptionalValue(name, String.class).filter(value -> LOOPBACK.matcher(value).find())
                    .ifPresent(value -> problems.add(name + " is left at " + value
                            + ", which in a container or pod is that container itself"));
        }
    }

    /** The sources Quarkus would read, in its order, and its converters; no mapping yet. */
    private static SmallRyeConfigBuilder sources(Map<String, String> environment, Properties own, Properties kit) {
        return new SmallRyeConfigBuilder()
                .withProfile("prod")
                .withSources(new EnvConfigSource(Map.copyOf(environment), 300))
                .withSources(new SysPropConfigSource())
                .withSources(new PropertiesConfigSource(toMap(own), "application.properties", 250))
                .withSources(new PropertiesConfigSource(toMap(kit), "service-kit", 100))
                .withValidateUnknown(false)
                // Quarkus' forms, which the services' defaults use ("5s", "10m"); SmallRye alone wants ISO-8601.
                .withConverter(Duration.class, 200, ServiceConfiguration::duration)
                .withConverter(Path.class, 200, Path::of);
    }

    /** The configuration {@code service} starts with under {@code environment}. */
    static ServiceConfiguration of(String service, Map<String, String> environment) {
        return new ServiceConfiguration(service, environment);
    }

    /** What would keep the service from starting, or make it talk to nothing: empty when it is complete. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    String value(String name) {
        return config.getOptionalValue(name, String.class).orElse(null);
    }

    @Override
    public String toString() {
        return service;
    }

    /** The service's and the kit's {@code @ConfigMapping} interfaces, found in their compiled classes. */
    static List<String> mappings(String service) {
        List<String> names = new ArrayList<>();
        for (Path classes : List.of(Project.service(service).resolve("target/classes"),
                Project.root().resolve("services/service-kit/target/classes"))) {
            if (!Files.isDirectory(classes)) {
                throw new IllegalStateException(classes + " is missing: build the services first (mvn -B install)");
            }
            try (Stream<Path> files = Files.walk(classes)) {
                files.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
                    // The annotation's descriptor is in the constant pool of every class that carries it.
                    if (bytes(file).contains("Lio/smallrye/config/ConfigMapping;")) {
                        String relative = classes.relativize(file).toString();
                        names.add(relative.substring(0, relative.length() - ".class".length()).replace('/', '.'));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (names.stream().noneMatch(name -> name.startsWith("io.spillway." + packageOf(service) + "."))) {
            throw new IllegalStateException(service + " has no @ConfigMapping: the check would prove nothing");
        }
        return names;
    }

    /** Every {@code @ConfigProperty} of the service and the kit without a default and not {@code Optional}. */
    static Set<String> requiredProperties(String service) {
        Set<String> required = new TreeSet<>();
        for (Path sources : List.of(Project.service(service).resolve("src/main/java"),
                Project.root().resolve("services/service-kit/src/main/java"))) {
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                    Matcher property = CONFIG_PROPERTY.matcher(Project.read(file));
                    while (property.find()) {
                        boolean defaulted = property.group(2) != null;
                        boolean optional = property.group(3).startsWith("Optional");
                        if (!defaulted && !optional) {
                            required.add(property.group(1));
                        }
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return required;
    }

    /** The service's package under {@code io.spillway}: {@code gpu-scheduler} is {@code scheduler}. */
    static String packageOf(String service) {
        return switch (service) {
            case "job-intake" -> "intake";
            case "gpu-scheduler" -> "scheduler";
            case "storage-agent" -> "storage";
            case "snapshot-worker" -> "snapshot";
            case "burst-coordinator" -> "burst";
            default -> throw new IllegalArgumentException("not a service: " + service);
        };
    }

    private static String bytes(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassLoader classLoader(String service) {
        try {
            URL[] urls = { Project.service(service).resolve("target/classes").toUri().toURL(),
                    Project.root().resolve("services/service-kit/target/classes").toUri().toURL() };
            return new URLClassLoader(urls, ServiceConfiguration.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration duration(String value) {
        Matcher simple = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(value.trim());
        if (!simple.matches()) {
            return Duration.parse(value.startsWith("P") ? value : "PT" + value);
        }
        long amount = Long.parseLong(simple.group(1));
        return switch (simple.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Properties properties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return properties;
    }

    private static Map<String, String> toMap(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }
}

package io.spillway.kit.architecture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;

import static com.tngtech.archunit.core.domain.Dependency.Predicates.dependencyTarget;
import static com.tngtech.archunit.lang.conditions.ArchConditions.onlyHaveDependenciesWhere;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture rules every Spillway service is held to; each service applies them in one short test.
 *
 * <p>
 * A service's packages under {@code io.spillway.<service>} each have a role, named by the package:
 * <ul>
 * <li>the <b>domain</b> ({@code domain}; burst-coordinator's is {@code saga}): decisions and state machines in plain
 * Java, which may use the event contracts of {@code io.spillway.schemas} but not their Kafka codec;</li>
 * <li><b>config</b>: the service's {@code @ConfigMapping};</li>
 * <li>the {@linkplain #ADAPTERS adapters}: the I/O the core asks for (database, filesystem, object store, processes,
 * pods, other services' REST APIs);</li>
 * <li>the {@linkplain #INBOUND inbound packages}: what takes requests, events and timers in and drives the domain and
 * the adapters.</li>
 * </ul>
 * Any other package (snapshot-worker's {@code repository}, the object-store format that its {@code s3} adapter plugs
 * into) is held only by the rules that hold every package: no cycles, no other service.
 */
public final class SpillwayArchitecture {

    /** The packages that do a service's I/O: each uses neither another adapter nor an inbound package. */
    public static final Set<String> ADAPTERS = Set.of("executor", "inventory", "kubernetes", "persistence", "posix",
            "s3", "scheduler", "storage");

    /** The packages that take requests, events and timers in; they may use every other package of their service. */
    public static final Set<String> INBOUND = Set.of("api", "auth", "loop", "messaging", "retention");

    /** The rules, each a dynamic test of its own in every service. */
    public enum Rule {
        DOMAIN_IS_PURE("the domain uses only the JDK (not JDBC), itself and the event contracts of io.spillway.schemas"),
        NO_PACKAGE_CYCLES("no packages of the service depend on each other in a cycle"),
        ADAPTERS_STAY_APART("an adapter uses neither another adapter nor an inbound package of its service"),
        SERVICES_STAY_APART("of io.spillway, the service uses only itself, the service kit and the schemas"),
        CONFIGURATION_IN_CONFIG("the service's @ConfigMapping interfaces are in its config package");

        private final String description;

        Rule(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final String SPILLWAY = "io.spillway";
    private static final String KIT = "io.spillway.kit";
    private static final String SCHEMAS = "io.spillway.schemas";
    private static final String CONFIG_MAPPING = "io.smallrye.config.ConfigMapping";

    private final String root;
    private final String domain;
    private final List<Freeze> freezes;

    private SpillwayArchitecture(String root, String domain, List<Freeze> freezes) {
        this.root = root;
        this.domain = domain;
        this.freezes = freezes;
    }

    /** The rules for the service whose classes are under {@code rootPackage}, e.g. {@code io.spillway.intake}. */
    public static SpillwayArchitecture service(String rootPackage) {
        return new SpillwayArchitecture(rootPackage, "domain", List.of());
    }

    /** The same rules for a service whose domain package has a name of its own (burst-coordinator's {@code saga}). */
    public SpillwayArchitecture withDomain(String name) {
        return new SpillwayArchitecture(root, name, freezes);
    }

    /**
     * Tolerates the violations of {@code rule} that are dependencies of {@code origin} on {@code target} (each a class,
     * which takes its nested classes with it, or a package, which takes its subpackages), until the code is fixed. A
     * freeze that covers no violation any more fails the rule, so the list of freezes stays the list of what is left.
     */
    public SpillwayArchitecture freeze(Rule rule, String origin, String target, String reason) {
        return withFreeze(new Freeze(rule, origin, Objects.requireNonNull(target), reason));
    }

    /** Tolerates {@code type} breaking {@code rule}, a rule about where a class is, until it is moved. */
    public SpillwayArchitecture freeze(Rule rule, String type, String reason) {
        return withFreeze(new Freeze(rule, type, null, reason));
    }

    private SpillwayArchitecture withFreeze(Freeze freeze) {
        if (freeze.rule == Rule.NO_PACKAGE_CYCLES) {
            // A cycle is no single dependency that could be named; break it instead (move what one side needs).
            throw new IllegalArgumentException("A package cycle cannot be frozen: break it");
        }
        if (freeze.reason == null || freeze.reason.isBlank()) {
            throw new IllegalArgumentException("A freeze needs its reason");
        }
        List<Freeze> all = new ArrayList<>(freezes);
        all.add(freeze);
        return new SpillwayArchitecture(root, domain, List.copyOf(all));
    }

    /** One dynamic test per rule, over the service's main classes (never its tests) and the schemas. */
    public Stream<DynamicTest> tests() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root, SCHEMAS);
        return Arrays.stream(Rule.values()).map(rule -> DynamicTest.dynamicTest(name(rule), () -> check(rule, classes)));
    }

    private String name(Rule rule) {
        long frozen = freezes.stream().filter(freeze -> freeze.rule == rule).count();
        return rule.description + (frozen == 0 ? "" : " (" + frozen + " frozen)");
    }

    /** Fails with every violation of {@code rule} in {@code classes} that no freeze covers, and every stale freeze. */
    public void check(Rule rule, JavaClasses classes) {
        List<String> problems = problems(rule, classes);
        if (!problems.isEmpty()) {
            throw new AssertionError(root + " breaks the rule that " + rule.description + " (" + rule + "):\n  "
                    + String.join("\n  ", problems) + "\nThe rules and the package roles: CONTRIBUTING.md, \"Layering\".");
        }
    }

    /** What breaks {@code rule} in {@code classes}, frozen violations left out, then each stale freeze: empty if none. */
    public List<String> problems(Rule rule, JavaClasses classes) {
        EvaluationResult result = archRule(rule).evaluate(classes);
        List<String> open = new ArrayList<>();
        List<Freeze> used = new ArrayList<>();
        result.handleViolations((Collection<Object> objects, String message) -> {
            List<Freeze> covering = freezes.stream()
                    .filter(freeze -> freeze.rule == rule && objects.stream().allMatch(freeze::covers)).toList();
            if (covering.isEmpty()) {
                open.add(message);
            } else {
                used.addAll(covering);
            }
        });
        List<String> problems = new ArrayList<>(open.stream().sorted().toList());
        freezes.stream().filter(freeze -> freeze.rule == rule && !used.contains(freeze))
                .forEach(freeze -> problems.add("frozen, but no longer a violation, so remove its freeze: " + freeze));
        return problems;
    }

    private ArchRule archRule(Rule rule) {
        String domainPackage = root + "." + domain;
        ArchRule archRule = switch (rule) {
            case DOMAIN_IS_PURE -> classes().that(within(domainPackage))
                    .should(onlyHaveDependenciesWhere(dependencyTarget(jdk().or(within(domainPackage)).or(contract()))));
            case NO_PACKAGE_CYCLES -> slices().matching(root + ".(*)..").should().beFreeOfCycles();
            case ADAPTERS_STAY_APART -> classes().that(adapter()).should(onlyHaveDependenciesWhere(apart()))
                    .allowEmptyShould(true);
            case SERVICES_STAY_APART -> classes().that(within(root))
                    .should(onlyHaveDependenciesWhere(dependencyTarget(DescribedPredicate.not(within(SPILLWAY))
                            .or(within(root)).or(within(KIT)).or(within(SCHEMAS)))));
            case CONFIGURATION_IN_CONFIG -> classes().that().areAnnotatedWith(CONFIG_MAPPING).and(within(root))
                    .should().resideInAPackage(root + ".config..").allowEmptyShould(true);
        };
        return archRule.as(rule.description);
    }

    /** Classes in {@code pkg} or below it. */
    private static DescribedPredicate<JavaClass> within(String pkg) {
        return DescribedPredicate.describe("in " + pkg, type -> within(pkg, type.getPackageName()));
    }

    private static boolean within(String pkg, String name) {
        return name.equals(pkg) || name.startsWith(pkg + ".");
    }

    private static DescribedPredicate<JavaClass> jdk() {
        return DescribedPredicate.describe("in the JDK but JDBC",
                type -> within("java", type.getPackageName()) && !within("java.sql", type.getPackageName()));
    }

    /**
     * The event contracts: the types of {@code io.spillway.schemas} that themselves use only the JDK, each other and
     * Jackson's annotations; not its Kafka serializer, deserializer or JSON codec.
     */
    private static DescribedPredicate<JavaClass> contract() {
        return DescribedPredicate.describe("an event contract of " + SCHEMAS,
                type -> within(SCHEMAS, type.getPackageName()) && type.getDirectDependenciesFromSelf().stream()
                        .map(dependency -> dependency.getTargetClass().getPackageName())
                        .allMatch(pkg -> within("java", pkg) || within(SCHEMAS, pkg)
                                || within("com.fasterxml.jackson.annotation", pkg)));
    }

    /** The package of {@code type} right below the service's root, or null for a class in the root package itself. */
    private String role(JavaClass type) {
        String pkg = type.getPackageName();
        if (!within(root, pkg) || pkg.equals(root)) {
            return null;
        }
        String below = pkg.substring(root.length() + 1);
        int dot = below.indexOf('.');
        return dot < 0 ? below : below.substring(0, dot);
    }

    private DescribedPredicate<JavaClass> adapter() {
        return DescribedPredicate.describe("in an adapter of " + root, type -> isAdapter(role(type)));
    }

    // Set.of(...).contains(null) throws, and a class in the root package has no role.
    private static boolean isAdapter(String role) {
        return role != null && ADAPTERS.contains(role);
    }

    private DescribedPredicate<Dependency> apart() {
        return DescribedPredicate.describe("stays in its own adapter, or uses no adapter or inbound package",
                dependency -> {
                    String target = role(dependency.getTargetClass());
                    return target == null || target.equals(role(dependency.getOriginClass()))
                            || !(isAdapter(target) || INBOUND.contains(target));
                });
    }

    /** A violation tolerated for now: a dependency of origin on target, or, without a target, a misplaced class. */
    private record Freeze(Rule rule, String origin, String target, String reason) {

        boolean covers(Object violating) {
            if (violating instanceof Dependency dependency) {
                return target != null && named(dependency.getOriginClass(), origin)
                        && named(dependency.getTargetClass(), target);
            }
            return violating instanceof JavaClass type && target == null && named(type, origin);
        }

        private static boolean named(JavaClass type, String name) {
            String full = type.getName();
            return full.equals(name) || full.startsWith(name + "$") || full.startsWith(name + ".");
        }

        @Override
        public String toString() {
            return rule + " " + origin + (target == null ? "" : " -> " + target) + " (" + reason + ")";
        }
    }
}

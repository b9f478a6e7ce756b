package io.spillway.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A test profile whose application sees one test resource of its own and none of the module's global ones: a broker
 * that stops, a port where nothing listens, a store with a wrong secret. Subclass it with a public no-argument
 * constructor, as Quarkus requires of a profile.
 */
public abstract class OwnResourceProfile implements QuarkusTestProfile {

    private final Class<? extends QuarkusTestResourceLifecycleManager> resource;
    private final Map<String, String> overrides;

    protected OwnResourceProfile(Class<? extends QuarkusTestResourceLifecycleManager> resource) {
        this(resource, Map.of());
    }

    protected OwnResourceProfile(Class<? extends QuarkusTestResourceLifecycleManager> resource,
            Map<String, String> overrides) {
        this.resource = resource;
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(resource));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return overrides;
    }
}

package io.spillway.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * What every test resource of the services does the same way: a {@link KafkaCompanion} on the broker the service
 * uses, injected into the fields annotated {@link InjectKafkaCompanion}, and the service credential
 * {@link ServiceCalls} sends.
 */
abstract class KafkaCompanionResource implements QuarkusTestResourceLifecycleManager {

    protected KafkaCompanion companion;

    /** {@code config} with the tests' service credential, which the services' internal APIs need. */
    protected static Map<String, String> withServiceCredential(Map<String, String> config) {
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("spillway.auth.service-token", ServiceCalls.TOKEN);
        return all;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(companion,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaCompanion.class, KafkaCompanion.class));
    }

    /** Closes the companion, if one was started. */
    protected void closeCompanion() {
        if (companion != null) {
            companion.close();
            companion = null;
        }
    }
}

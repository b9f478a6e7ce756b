package io.spillway.scheduler;

import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.scheduler.executor.JobExecutor;
import io.spillway.testing.PlatformTestResource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The default executor is local, and a scheduler running it never creates a Kubernetes client. */
@QuarkusTest
@QuarkusTestResource(PlatformTestResource.class)
class ExecutorChoiceIT {

    @Inject
    JobExecutor executor;

    @Test
    void runsJobsLocallyWithoutEverCreatingAKubernetesClient() {
        assertEquals("local", executor.name());

        Bean<?> client = Arc.container().beanManager()
                .resolve(Arc.container().beanManager().getBeans(KubernetesClient.class));
        assertNull(Arc.container().getActiveContext(client.getScope()).get(client),
                "no cluster is called, and none is needed, when jobs run locally");
    }
}

package io.spillway.scheduler.executor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.config.SchedulerConfig.ExecutorKind;
import io.spillway.scheduler.config.SchedulerConfig.InventorySource;
import io.spillway.scheduler.executor.kubernetes.KubernetesExecutor;

/**
 * The {@link JobExecutor} of this site, chosen by {@code spillway.scheduler.executor} when the service starts. Only
 * the chosen one is created: with the local executor, no Kubernetes client exists and no cluster is ever called, so
 * the service runs where there is no kubeconfig.
 */
@Singleton
public class ExecutorProducer {

    private static final Logger LOG = Logger.getLogger(ExecutorProducer.class);

    @Produces
    @ApplicationScoped
    JobExecutor executor(SchedulerConfig config, Instance<LocalExecutor> local,
            Instance<KubernetesExecutor> kubernetes) {
        if (config.executor() == ExecutorKind.KUBERNETES) {
            if (config.inventory() != InventorySource.KUBERNETES) {
                // Legitimate when the configured nodes carry the cluster's node names; a mistake otherwise.
                LOG.warnf("The kubernetes executor binds pods to the nodes of the %s inventory; they must be the "
                        + "cluster's node names (spillway.scheduler.inventory=kubernetes reads them)",
                        config.inventory().name().toLowerCase());
            }
            return kubernetes.get();
        }
        return local.get();
    }
}

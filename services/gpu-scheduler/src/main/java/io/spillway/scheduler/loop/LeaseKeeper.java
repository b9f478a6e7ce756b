package io.spillway.scheduler.loop;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.spillway.kit.ServiceIdentity;
import io.spillway.kit.Transactions;
import io.spillway.scheduler.config.SchedulerConfig;
import io.spillway.scheduler.domain.LeaseHold;
import io.spillway.scheduler.domain.LeasePolicy;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.persistence.LeaseStore;

/**
 * Keeps this instance's claim on its site's scheduler lease (a PostgreSQL row, {@link LeaseStore}): every
 * {@code renew-every} a standby tries to take it and the leader renews it, on a thread of its own so a busy loop never
 * delays a renewal. {@link LeaseHold} decides from the answers whether this instance may act; the loop asks it before
 * every pass, the run tracker before every process start. The gauge {@code spillway_scheduler_leader{site}} is 1 while
 * this instance leads. A graceful shutdown lets the lease go after the loop has stopped, so the standby takes over at
 * its next try instead of waiting for the lease to expire.
 */
@ApplicationScoped
public class LeaseKeeper implements Leadership {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final Transactions transactions;
    private final LeaseStore store;
    private final LeasePolicy policy;
    private final String site;
    private final String instanceId;
    private final LoopThread loop;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spillway-scheduler-lease");
        thread.setDaemon(true);
        return thread;
    });
    private volatile LeaseHold hold = LeaseHold.standby();
    /** What was said last about this instance's office, so each change is logged and acted on once. */
    private Optional<LeaseTerm> announced = Optional.empty();

    @Inject
    public LeaseKeeper(Transactions transactions, LeaseStore store, SchedulerConfig config, ServiceIdentity identity,
            LoopThread loop, MeterRegistry registry) {
        this.transactions = transactions;
        this.store = store;
        this.policy = new LeasePolicy(config.lease().ttl(), config.lease().renewEvery(), config.lease().safetyMargin());
        this.site = identity.site();
        this.instanceId = newInstanceId();
        this.loop = loop;
        // Held strongly: a gauge's object is held weakly by default and drops out of the exposition once collected.
        Gauge.builder("spillway.scheduler.leader", this, keeper -> keeper.leads() ? 1 : 0).tags(Tags.of("site", site))
                .strongReference(true).description("1 when this instance leads its site's scheduling, else 0")
                .register(registry);
    }

    /** Before the loop's first pass: a lone scheduler leads from its first pass on, not one renewal later. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        LOG.infof("Scheduler instance %s of site %s: lease of %s, renewed every %s, acting until %s before it expires",
                instanceId, site, policy.ttl(), policy.renewEvery(), policy.safetyMargin());
        renew();
        long every = policy.renewEvery().toMillis();
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** After the loop stopped (and, being the leader, stopped its processes): the lease goes at once. */
    void stop(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) ShutdownEvent event) {
        renewer.shutdownNow();
        LeaseHold last = hold;
        hold = LeaseHold.standby();
        if (last.term().isEmpty()) {
            return;
        }
        try {
            if (transactions.inTransaction(session -> store.release(session, site, instanceId)).await()
                    .atMost(policy.renewEvery())) {
                LOG.infof("Scheduler instance %s let the lease of site %s go", instanceId, site);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not let the lease of site %s go (%s); the standby takes it when it expires", site,
                    e.getMessage());
        }
    }

    @Override
    public Optional<LeaseTerm> actingTerm() {
        return hold.actingTerm(System.nanoTime());
    }

    /** Whether this instance leads its site now. */
    public boolean leads() {
        return actingTerm().isPresent();
    }

    /** This instance's holder id in the lease: host, pid and a random part, unique across restarts. */
    public String instanceId() {
        return instanceId;
    }

    /** One try to take or renew the lease; no answer leaves the hold as it is, and its acting window runs out. */
    private void renew() {
        // Taken before the request leaves: the database sets the expiry later than this, never earlier.
        long sentAt = System.nanoTime();
        try {
            Optional<LeaseTerm> granted = transactions
                    .inTransaction(session -> store.acquireOrRenew(session, site, instanceId, policy.ttl()))
                    .await().atMost(policy.ttl());
            hold = hold.answered(policy, sentAt, granted);
        } catch (RuntimeException e) {
            LOG.warnf("Could not renew the scheduler lease of site %s: %s", site, e.getMessage());
        }
        announce();
    }

    private synchronized void announce() {
        Optional<LeaseTerm> now = actingTerm();
        if (now.equals(announced)) {
            return;
        }
        if (now.isPresent()) {
            LOG.infof("Scheduler instance %s leads site %s (epoch %d)", instanceId, site, now.get().epoch());
        } else {
            LOG.warnf("Scheduler instance %s no longer leads site %s; standing by", instanceId, site);
        }
        announced = now;
        // Now, not at the next timer: a new leader recovers and schedules at once, a deposed one steps down.
        loop.requestPass();
    }

    private static String newInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
        }
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }
}

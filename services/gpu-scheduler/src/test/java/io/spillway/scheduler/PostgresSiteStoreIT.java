package io.spillway.scheduler;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.scheduler.domain.LeaseTerm;
import io.spillway.scheduler.domain.SiteState;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;
import io.spillway.scheduler.loop.LeaseKeeper;
import io.spillway.testing.PlatformTestResource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A pass's statement on the real database, from a thread that is not Vert.x's (as the loop's is): it reads under the
 * allocation lock, and one closed without a commit rolls back and lets the next statement take the lock.
 */
@QuarkusTest
@QuarkusTestResource(PlatformTestResource.class)
class PostgresSiteStoreIT {

    @Inject
    SiteStore store;

    @Inject
    LeaseKeeper lease;

    @Test
    void aStatementClosedWithoutACommitRollsBackAndFreesTheAllocationLockForTheNextPass() throws Exception {
        LeaseTerm term = await().atMost(Duration.ofSeconds(30)).until(lease::actingTerm, Optional::isPresent).get();
        CompletableFuture<SiteState> next = CompletableFuture.supplyAsync(() -> {
            try (Statement abandoned = store.begin(term)) {
                assertNotNull(abandoned.read());
            }
            try (Statement following = store.begin(term)) {
                return following.read();
            }
        });

        assertNotNull(next.get(60, TimeUnit.SECONDS), "the next statement read the site under the lock");
    }
}

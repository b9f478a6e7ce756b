package io.spillway.scheduler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.spillway.scheduler.domain.SiteState;
import io.spillway.scheduler.domain.SiteStore;
import io.spillway.scheduler.domain.Statement;
import io.spillway.testing.PlatformTestResource;

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

    @Test
    void aStatementClosedWithoutACommitRollsBackAndFreesTheAllocationLockForTheNextPass() throws Exception {
        CompletableFuture<SiteState> next = CompletableFuture.supplyAsync(() -> {
            try (Statement abandoned = store.begin()) {
                assertNotNull(abandoned.read());
            }
            try (Statement following = store.begin()) {
                return following.read();
            }
        });

        assertNotNull(next.get(60, TimeUnit.SECONDS), "the next statement read the site under the lock");
    }
}

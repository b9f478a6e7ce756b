package io.spillway.burst.saga;

import java.time.Instant;

/** A filesystem restored at a site by an earlier burst: a new restore there only has to write what changed. */
public record RecentRestore(String site, String filesystem, Instant restoredAt) {
}

package io.spillway.scheduler.domain;

import java.util.Objects;

/**
 * One holding of a site's scheduler lease: the site, the instance that holds it and its epoch, the fencing token that
 * every write of the leader is checked against in the write's own transaction. The epoch grows whenever the holder
 * changes, so a deposed leader that comes back is never mistaken for the one in office.
 */
public record LeaseTerm(String site, String holder, long epoch) {

    public LeaseTerm {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(holder, "holder");
    }
}

package io.spillway.scheduler.domain;

/** The port through which scheduling passes read the site and commit their decisions. */
public interface SiteStore {

    /** Opens a pass's statement: from now until it is closed, no other pass reads or places GPUs. */
    Statement begin();
}

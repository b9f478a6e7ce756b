package io.spillway.scheduler.domain;

import java.util.List;
import java.util.Objects;

/** A machine of the site with its GPUs, in one node pool. */
public record Node(String name, String pool, List<Gpu> gpus) {

    public Node {
        Objects.requireNonNull(name, "name");
        pool = pool == null ? "default" : pool;
        gpus = List.copyOf(gpus);
    }
}

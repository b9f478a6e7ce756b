package io.spillway.scheduler.domain;

import java.util.Objects;

/**
 * One GPU of a node.
 *
 * @param id the node-local id, as {@code CUDA_VISIBLE_DEVICES} takes it
 * @param model the product name, for operators; may be empty
 */
public record Gpu(String id, int memoryMiB, String model) {

    public Gpu {
        Objects.requireNonNull(id, "id");
        model = model == null ? "" : model;
    }
}

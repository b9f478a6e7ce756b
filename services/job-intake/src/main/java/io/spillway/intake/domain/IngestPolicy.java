package io.spillway.intake.domain;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which event types external systems may post. Everything else (allocations, completions, burst steps) is the
 * platform's own word and is refused, whatever its form.
 */
public final class IngestPolicy {

    private final Set<String> acceptedCeTypes;

    /** @param acceptedEventNames event names such as {@code JobSubmitted} */
    public IngestPolicy(Set<String> acceptedEventNames) {
        this.acceptedCeTypes = new TreeSet<>();
        acceptedEventNames.forEach(name -> acceptedCeTypes.add("io.spillway." + name.trim() + ".v1"));
    }

    public boolean accepts(String ceType) {
        return acceptedCeTypes.contains(ceType);
    }

    /** The accepted types, for an error message that says what would have been accepted. */
    public Set<String> acceptedCeTypes() {
        return acceptedCeTypes;
    }
}

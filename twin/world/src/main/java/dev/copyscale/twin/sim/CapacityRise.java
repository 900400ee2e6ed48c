package dev.copyscale.twin.sim;

import java.time.Instant;

/**
 * A rise of the load beyond what the serving copies could carry, and when enough copies served it
 * again ({@code enoughAt} null when that never happened before the trace ended).
 */
public record CapacityRise(Instant at, Instant enoughAt, double seconds) {}

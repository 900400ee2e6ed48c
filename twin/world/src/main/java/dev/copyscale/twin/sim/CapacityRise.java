package dev.copyscale.twin.sim;

import java.time.Instant;

/**
 * A rise of the load beyond what the serving copies could carry: when it began (the first of the
 * minutes in a row that missed the objective before the copies fell short, else the minute they
 * fell short), when enough copies served it ({@code enoughAt}), and when latency met the objective
 * again ({@code metAt}: the first minute's end with enough copies and the requests finished in the
 * minute within the objective at its attainment). {@code seconds}, the time to capacity, runs to
 * {@code metAt}; either is null when it never happened before the trace ended, and then {@code
 * seconds} runs to the end.
 */
public record CapacityRise(Instant at, Instant enoughAt, Instant metAt, double seconds) {}

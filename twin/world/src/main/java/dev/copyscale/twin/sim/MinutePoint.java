package dev.copyscale.twin.sim;

import java.time.Instant;

/**
 * One minute of a simulation: the load, the copies (desired is what the component was asked for,
 * serving what actually served, both at the minute's end), the instances, and the latency of the
 * requests that finished in the minute (NaN when none did), and how many of them missed the
 * objective the spec is held to ({@link Summary#objective}; refused and failed ones included).
 */
public record MinutePoint(
    Instant minute,
    long arrivals,
    long completed,
    long failed,
    int desiredCopies,
    int servingCopies,
    int instances,
    double concurrencyPerCopy,
    double latencyP50Ms,
    double latencyP95Ms,
    double ttftP95Ms,
    long missedObjective) {}

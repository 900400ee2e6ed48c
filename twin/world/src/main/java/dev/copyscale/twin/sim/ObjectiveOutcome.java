package dev.copyscale.twin.sim;

/**
 * The objective a spec is held to, whether it was met, and why the requests that missed it did.
 *
 * @param source where the objective comes from: the spec's {@code scaling.slo} for engine slo, else
 *     simulate's {@code --slo-ttft}, {@code --slo-itl} and {@code --slo-attainment}
 * @param ttftMs time to first token a request must stay within
 * @param itlMs time per output token after the first, 0 for none
 * @param attainment the share of all requests that must meet it
 * @param attained the share of all requests that met it (failed and refused ones count against it)
 * @param servableRequests the requests the model's token limits accept
 * @param servableAttained the share of those that met it
 * @param met whether {@code attained} reached {@code attainment}
 * @param misses every request that missed it, under one cause each
 */
public record ObjectiveOutcome(
    String source,
    double ttftMs,
    double itlMs,
    double attainment,
    double attained,
    long servableRequests,
    double servableAttained,
    boolean met,
    Misses misses) {}

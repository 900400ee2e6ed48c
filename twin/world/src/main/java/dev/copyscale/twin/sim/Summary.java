package dev.copyscale.twin.sim;

import java.util.List;
import java.util.Map;

/**
 * One spec's figures over the whole trace. Latencies are end to end as the client sees them
 * (queueing + time to first token + generation); failed requests have no latency. {@code
 * sloAttainment} is the share of all requests (failed ones included) that succeeded with a time to
 * first token within {@code sloTtftMs} and, when {@code sloItlMs} is positive, a time per output
 * token after the first within it.
 *
 * @param spec the deployment's name
 * @param specFile the spec file as given
 * @param engine how it scales: native, orchestrated, or none
 * @param failuresByType failed requests by the error the client sees (e.g. "ModelError: timeout")
 * @param copyHours copies held (starting or serving), integrated over time: what the GPUs are
 *     reserved for
 * @param instanceHours instances held, integrated over time: what is billed
 * @param costUsd instance-hours at the instance type's on-demand price
 * @param scalingActions changes of the desired copy count (by a policy, the orchestrator or a
 *     schedule)
 * @param capacityRises each rise of the load and how long until latency met the objective again
 * @param medianSecondsToCapacity the median of the rises that met the objective again
 * @param maxSecondsToCapacity the longest rise, including one the trace ended in
 * @param serving what served the requests, where its figures come from, and what one copy does with
 *     the trace's mean request
 * @param objective the objective the spec states (engine slo's {@code scaling.slo}, else the
 *     run's), whether it was met, the attainment of the requests the model can serve, and the
 *     misses by cause
 */
public record Summary(
    String spec,
    String specFile,
    String engine,
    String instanceType,
    long requests,
    long failedRequests,
    Map<String, Long> failuresByType,
    double latencyP50Ms,
    double latencyP95Ms,
    double latencyP99Ms,
    double ttftP50Ms,
    double ttftP95Ms,
    double ttftP99Ms,
    double sloTtftMs,
    double sloItlMs,
    double sloAttainment,
    double copyHours,
    double instanceHours,
    double costUsd,
    int scalingActions,
    List<CapacityRise> capacityRises,
    double medianSecondsToCapacity,
    double maxSecondsToCapacity,
    ServingSummary serving,
    ObjectiveOutcome objective) {

  /**
   * This summary under the column name {@code spec}, with {@code instanceHours} and {@code costUsd}
   * in place of the whole endpoint's: a component's share of a shared endpoint ({@link
   * SharedSimulation}).
   */
  public Summary withShare(String spec, double instanceHours, double costUsd) {
    return new Summary(
        spec,
        specFile,
        engine,
        instanceType,
        requests,
        failedRequests,
        failuresByType,
        latencyP50Ms,
        latencyP95Ms,
        latencyP99Ms,
        ttftP50Ms,
        ttftP95Ms,
        ttftP99Ms,
        sloTtftMs,
        sloItlMs,
        sloAttainment,
        copyHours,
        instanceHours,
        costUsd,
        scalingActions,
        capacityRises,
        medianSecondsToCapacity,
        maxSecondsToCapacity,
        serving,
        objective);
  }
}

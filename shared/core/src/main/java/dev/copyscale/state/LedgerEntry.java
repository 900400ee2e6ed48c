package dev.copyscale.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One scaling decision, kept in the state table for the retention period: what triggered it, the
 * inputs, the step that matched, what bounds, guardrails and cooldowns did, and the outcome —
 * including decisions not to scale and why.
 *
 * @param source "alarm", "schedule", "reconcile" or "deploy"
 * @param trigger the alarm or schedule name
 * @param state the alarm state (ALARM, OK, INSUFFICIENT_DATA) or the schedule's window
 * @param outcome SCALED, NO_CHANGE, IGNORED (not acted on: duplicate, stale, not ALARM), DRY_RUN or FAILED
 */
public record LedgerEntry(
    String deployment,
    Instant at,
    String eventId,
    String source,
    String trigger,
    String state,
    Optional<Double> metricValue,
    Optional<Double> threshold,
    Optional<String> policy,
    Optional<Integer> step,
    int from,
    int to,
    List<String> limitedBy,
    String outcome,
    String reason) {

  public LedgerEntry {
    limitedBy = List.copyOf(limitedBy);
  }

  /** Sort key: time first, so a Query returns the ledger in order. */
  public String key() {
    return at + "#" + eventId;
  }
}

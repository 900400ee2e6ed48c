package dev.copyscale.cli.report;

import java.time.Instant;
import java.util.List;

/**
 * One decision that changed capacity or bounds (or would have: a dry run, or failed to), by
 * copyscale or by Application Auto Scaling: when, the desired count before and after, the outcome
 * (in {@code copyscale activities}' words) and why; on an endpoint shared by several components,
 * also a decision the endpoint's arbiter held back, even one that left the count as it was.
 *
 * @param heldBackBy what held the decision back below its engine's wish, as the ledger names it
 *     ({@code endpoint.budget}, {@code maxInstances}, {@code higher priority: NAME}); empty when
 *     nothing did
 */
public record Decision(
    Instant at, int from, int to, String outcome, String reason, List<String> heldBackBy) {
  public Decision {
    heldBackBy = List.copyOf(heldBackBy);
  }

  /** A decision nothing held back. */
  public Decision(Instant at, int from, int to, String outcome, String reason) {
    this(at, from, to, outcome, reason, List.of());
  }
}

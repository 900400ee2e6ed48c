package dev.copyscale.scaling.state;

import dev.copyscale.cost.HourlyCost;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One scaling decision, kept in the state table for the retention period: what triggered it, the
 * inputs, the step that matched, what bounds, guardrails and cooldowns did, and the outcome —
 * including decisions not to scale and why.
 *
 * @param source "alarm", "tick", "slo" (engine slo's decisions), "schedule", "override",
 *     "reconcile" or "deploy"
 * @param trigger the alarm or schedule name
 * @param state the alarm state (ALARM, OK, INSUFFICIENT_DATA) or the schedule's window
 * @param done when SageMaker had the change (a SCALED decision's end; empty before, and for entries
 *     written before it was recorded)
 * @param cost on an endpoint shared by several components, what the component costs an hour with
 *     the instances and copies the endpoint's arbiter planned at this decision (its share of each
 *     instance's accelerators, the idle remainder apart); empty for a decision the arbiter did not
 *     grant, in the single form, and for entries written before it was recorded
 */
public record LedgerEntry(
    String deployment,
    Instant at,
    String eventId,
    Source source,
    String trigger,
    String state,
    Optional<Double> metricValue,
    Optional<Double> threshold,
    Optional<String> policy,
    Optional<Integer> step,
    int from,
    int to,
    List<String> limitedBy,
    Outcome outcome,
    String reason,
    Optional<Instant> done,
    Optional<HourlyCost> cost) {

  public LedgerEntry {
    limitedBy = List.copyOf(limitedBy);
    done = done == null ? Optional.empty() : done;
    cost = cost == null ? Optional.empty() : cost;
  }

  /** An entry of a change SageMaker does not have yet. */
  public LedgerEntry(
      String deployment,
      Instant at,
      String eventId,
      Source source,
      String trigger,
      String state,
      Optional<Double> metricValue,
      Optional<Double> threshold,
      Optional<String> policy,
      Optional<Integer> step,
      int from,
      int to,
      List<String> limitedBy,
      Outcome outcome,
      String reason) {
    this(
        deployment,
        at,
        eventId,
        source,
        trigger,
        state,
        metricValue,
        threshold,
        policy,
        step,
        from,
        to,
        limitedBy,
        outcome,
        reason,
        Optional.empty(),
        Optional.empty());
  }

  /** The same decision, which SageMaker had at {@code at}. */
  public LedgerEntry doneAt(Instant at) {
    return with(from, to, limitedBy, outcome, reason, Optional.of(at), cost);
  }

  /** The same decision, with what the component costs an hour at it (kept under the same key). */
  public LedgerEntry withCost(HourlyCost cost) {
    return with(from, to, limitedBy, outcome, reason, done, Optional.of(cost));
  }

  /** Sort key: time first, so a Query returns the ledger in order. */
  public String key() {
    return at + "#" + eventId;
  }

  public static Builder builder(
      String deployment, Instant at, String eventId, Source source, String trigger) {
    return new Builder(deployment, at, eventId, source, trigger);
  }

  /**
   * The same decision with another outcome and reason (kept under the same key: it replaces the
   * entry it came from).
   */
  public LedgerEntry withOutcome(Outcome outcome, String reason) {
    return with(from, to, limitedBy, outcome, reason);
  }

  public LedgerEntry withCapacity(int from, int to) {
    return with(from, to, limitedBy, outcome, reason);
  }

  /**
   * The same decision as the endpoint's arbiter granted it (docs/endpoints.md): {@code to} copies,
   * with the arbiter's line appended to the reason and what held it back (if anything) added to the
   * limits. Kept under the same key.
   */
  public LedgerEntry withGrant(int to, Outcome outcome, String reason, List<String> heldBy) {
    List<String> limits = new ArrayList<>(limitedBy);
    limits.addAll(heldBy);
    return with(from, to, limits, outcome, reason);
  }

  /** This entry under the same key, with the decision's capacity, limits and outcome replaced. */
  private LedgerEntry with(
      int from, int to, List<String> limitedBy, Outcome outcome, String reason) {
    return with(from, to, limitedBy, outcome, reason, done, cost);
  }

  private LedgerEntry with(
      int from,
      int to,
      List<String> limitedBy,
      Outcome outcome,
      String reason,
      Optional<Instant> done,
      Optional<HourlyCost> cost) {
    return new LedgerEntry(
        deployment,
        at,
        eventId,
        source,
        trigger,
        state,
        metricValue,
        threshold,
        policy,
        step,
        from,
        to,
        limitedBy,
        outcome,
        reason,
        done,
        cost);
  }

  /** A separate entry about the same event (a repeat delivery, a follow-up), at another time. */
  public LedgerEntry asFollowUp(Instant at, String suffix) {
    return new LedgerEntry(
        deployment,
        at,
        eventId + "#" + suffix,
        source,
        trigger,
        state,
        metricValue,
        threshold,
        policy,
        step,
        from,
        to,
        limitedBy,
        outcome,
        reason);
  }

  /**
   * Builds an entry field by field; unset optionals stay empty, capacities 0, outcome NO_CHANGE.
   */
  public static final class Builder {
    private final String deployment;
    private final Instant at;
    private final String eventId;
    private final Source source;
    private final String trigger;
    private String state = "";
    private Optional<Double> metricValue = Optional.empty();
    private Optional<Double> threshold = Optional.empty();
    private Optional<String> policy = Optional.empty();
    private Optional<Integer> step = Optional.empty();
    private int from;
    private int to;
    private final List<String> limitedBy = new ArrayList<>();
    private Outcome outcome = Outcome.NO_CHANGE;
    private String reason = "";

    private Builder(String deployment, Instant at, String eventId, Source source, String trigger) {
      this.deployment = deployment;
      this.at = at;
      this.eventId = eventId;
      this.source = source;
      this.trigger = trigger;
    }

    public Builder state(String state) {
      this.state = state;
      return this;
    }

    public Builder metric(Optional<Double> value) {
      this.metricValue = value;
      return this;
    }

    public Builder threshold(double threshold) {
      this.threshold = Optional.of(threshold);
      return this;
    }

    public Builder policy(String policy) {
      this.policy = Optional.of(policy);
      return this;
    }

    public Builder step(Optional<Integer> step) {
      this.step = step;
      return this;
    }

    public Builder capacity(int from, int to) {
      this.from = from;
      this.to = to;
      return this;
    }

    public Builder limitedBy(List<String> limits) {
      this.limitedBy.addAll(limits);
      return this;
    }

    public Builder outcome(Outcome outcome, String reason) {
      this.outcome = outcome;
      this.reason = reason;
      return this;
    }

    public LedgerEntry build() {
      return new LedgerEntry(
          deployment,
          at,
          eventId,
          source,
          trigger,
          state,
          metricValue,
          threshold,
          policy,
          step,
          from,
          to,
          limitedBy,
          outcome,
          reason);
    }
  }
}

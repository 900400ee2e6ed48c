package dev.copyscale.scaling.state;

import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.capacity.InstancePlan;
import java.util.Optional;

/**
 * What an engine decided for one wake-up, ready to commit: every engine's decision comes to this
 * shape, so one loop commits them all.
 *
 * @param entry the ledger entry: outcome, capacities, limits and the reason
 * @param next the target state to commit with it, conditionally on the state it was decided from
 * @param instances the instances the copies need, when copyscale manages them
 * @param bounds the scalable target's new [min, max] when the decision moves them (schedules and
 *     overrides): written after the commit and before any copies, so Application Auto Scaling does
 *     not undo the new count
 */
public record Decision(
    LedgerEntry entry,
    TargetState next,
    Optional<InstancePlan> instances,
    Optional<Bounds> bounds) {

  public Decision(LedgerEntry entry, TargetState next, Optional<InstancePlan> instances) {
    this(entry, next, instances, Optional.empty());
  }

  public Outcome outcome() {
    return entry.outcome();
  }

  /** Whether committing it starts a capacity change: {@code next} holds the intent it made. */
  public boolean startsChange() {
    return next.intent().filter(i -> i.decision().key().equals(entry.key())).isPresent();
  }

  /**
   * The same decision with its entry replaced by {@code entry} (the same key), in its intent too,
   * so the entry written once SageMaker has the change is this one.
   */
  public Decision withEntry(LedgerEntry entry) {
    if (!entry.key().equals(this.entry.key())) {
      throw new IllegalArgumentException(
          "entry " + entry.key() + " is not this decision's, " + this.entry.key());
    }
    TargetState state =
        next.withIntent(
            next.intent()
                .map(
                    i ->
                        i.decision().key().equals(entry.key())
                            ? new CapacityIntent(
                                i.capacity(),
                                i.instances(),
                                entry,
                                i.cooldownsBefore(),
                                i.copiesPerInstance())
                            : i));
    return new Decision(entry, state, instances, bounds);
  }

  /** The entry as committed: PENDING while SageMaker does not have the capacity yet. */
  public LedgerEntry committed() {
    return startsChange() ? entry.withOutcome(Outcome.PENDING, entry.reason()) : entry;
  }
}

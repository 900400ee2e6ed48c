package dev.copyscale.scaling.state;

import dev.copyscale.scaling.capacity.InstancePlan;
import java.time.Instant;
import java.util.Optional;

/**
 * The capacity a decision asked for, kept in the target state until SageMaker has it. SageMaker
 * takes a change in steps: while the endpoint is Updating after an instance change it refuses a
 * copy-count change, so a raise that needs instances writes them first and the copies on a later
 * tick; a lowering writes copies first and releases instances once the copies are gone.
 *
 * @param capacity the scaled dimension's target (copies, or instances)
 * @param instances the instances the copies need, when copyscale manages instances
 * @param decision the ledger entry the decision ends with once SageMaker has it (its key is kept:
 *     the entry is PENDING until then, FAILED if it never gets there)
 * @param cooldownsBefore the target's cooldowns before this decision (withdrawn to these if it
 *     fails)
 * @param copiesPerInstance how many copies one instance holds (0: unknown), so copies that fit the
 *     running instances are written before more instances are asked for
 * @param claim the write an invocation claimed last, and when: another invocation that finds the
 *     same write still to do leaves it to the claimant for a while (its write may not show yet)
 */
public record CapacityIntent(
    int capacity,
    Optional<Integer> instances,
    LedgerEntry decision,
    Optional<Cooldowns> cooldownsBefore,
    int copiesPerInstance,
    Optional<Claim> claim) {
  public CapacityIntent {
    cooldownsBefore = cooldownsBefore == null ? Optional.empty() : cooldownsBefore;
    // absent in states written before claims were recorded
    claim = claim == null ? Optional.empty() : claim;
  }

  public CapacityIntent(
      int capacity,
      Optional<Integer> instances,
      LedgerEntry decision,
      Optional<Cooldowns> cooldownsBefore,
      int copiesPerInstance) {
    this(capacity, instances, decision, cooldownsBefore, copiesPerInstance, Optional.empty());
  }

  public CapacityIntent(int capacity, Optional<Integer> instances, LedgerEntry decision) {
    this(capacity, instances, decision, Optional.empty(), 0);
  }

  /**
   * A SageMaker write an invocation claimed.
   *
   * @param write what it writes ("copies 6", "instances 2")
   * @param at when it claimed it
   */
  public record Claim(String write, Instant at) {}

  /** This intent with {@code write} claimed at {@code at}. */
  public CapacityIntent claimed(String write, Instant at) {
    return new CapacityIntent(
        capacity,
        instances,
        decision,
        cooldownsBefore,
        copiesPerInstance,
        Optional.of(new Claim(write, at)));
  }

  /** The intent for a decision, with what its instance plan knows. */
  public static CapacityIntent of(
      int capacity,
      Optional<InstancePlan> plan,
      LedgerEntry decision,
      Optional<Cooldowns> cooldownsBefore) {
    return new CapacityIntent(
        capacity,
        plan.map(InstancePlan::to),
        decision,
        cooldownsBefore,
        plan.map(InstancePlan::copiesPerInstance).orElse(0));
  }
}

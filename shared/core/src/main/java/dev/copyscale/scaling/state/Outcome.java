package dev.copyscale.scaling.state;

/**
 * What a scaling decision came to; the ledger, the results and {@code copyscale activities} use
 * these names.
 */
public enum Outcome {
  /** Capacity or bounds changed (written to SageMaker / Application Auto Scaling). */
  SCALED,
  /**
   * Evaluated, nothing to change (at bounds, in cooldown, no matching step, alarm not in ALARM).
   */
  NO_CHANGE,
  /** Not acted on: a duplicate, a late or foreign delivery, a target copyscale does not own. */
  IGNORED,
  /** Decided, nothing written: guardrails.dryRun. */
  DRY_RUN,
  /**
   * Decided, but writing it failed; what was written was undone or is completed by the next tick.
   */
  FAILED,
  /** Decided and started; the rest is written by the next ticks once SageMaker is ready for it. */
  PENDING
}

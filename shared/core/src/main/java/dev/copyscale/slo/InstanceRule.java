package dev.copyscale.slo;

import dev.copyscale.scaling.state.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How fast engine slo follows the demand, in whole instances, or in copies on an endpoint shared
 * with other components ({@link SloCapacity#unit}; docs/slo.md, "The plan"): it adds as soon as the
 * load now or ahead needs more than is asked for; it releases an instance only when the whole
 * scale-in window (or, where the pattern foretold it, the last minute and the next two lead times)
 * shows it unneeded, nothing is still being written, and no capacity was added or deployed within
 * the window; otherwise it holds. A request refused for want of a copy brings copies back whatever
 * the figures say.
 */
public final class InstanceRule {
  private InstanceRule() {}

  /** Which way the capacity goes. */
  public enum Move {
    ADD,
    RELEASE,
    HOLD
  }

  /**
   * @param units the units ({@link SloCapacity#unit}: instances, or copies) the load asks for
   *     (before bounds and guardrails)
   * @param fromZero whether refused requests brought copies back to a target at zero
   * @param why the load's part of the reason
   */
  public record Verdict(Move move, int units, boolean fromZero, String why) {}

  /**
   * @param asked the copies asked for now (the intent's, else the live count)
   * @param deployedAt when the deployment's spec was last applied: the deploy's copies are kept for
   *     a scale-in window after it, as a scale-out's are
   */
  public static Verdict decide(
      Demand d,
      SloCapacity cap,
      OptionalInt period,
      int asked,
      TargetState state,
      Instant now,
      Optional<Instant> deployedAt) {
    int askedUnits = cap.unitsFor(asked);
    Move move;
    int units;
    String why;
    if (d.copiesUp() > asked) {
      // More copies than asked, whether or not they need another instance (the deploy's copies may
      // not fill the one it has).
      move = Move.ADD;
      units = Math.max(cap.unitsFor(d.copiesUp()), askedUnits);
      why = SloReason.adding(d, cap, period);
    } else if (cap.unitsFor(d.copiesHold()) < askedUnits
        && state.intent().isEmpty()
        && !addedWithin(state, now, d.byPattern() ? cap.leadTime() : cap.slo().scaleInWindow())
        && !deployedAt.map(at -> now.isBefore(at.plus(cap.slo().scaleInWindow()))).orElse(false)) {
      move = Move.RELEASE;
      units = cap.unitsFor(d.copiesHold());
      why = SloReason.releasing(d, cap, period);
    } else {
      move = Move.HOLD;
      units = askedUnits;
      why = SloReason.holding(d, cap);
    }
    boolean fromZero = d.refused() > 0 && asked == 0;
    if (fromZero) {
      // A request refused for want of a copy brings copies back, whatever the minute's figures
      // say.
      units = Math.max(1, units);
      why = SloReason.refused(d) + why;
    }
    return new Verdict(move, units, fromZero, why);
  }

  /**
   * Whether capacity was added within the window: what was added for a rise is kept for a whole
   * window after it.
   */
  private static boolean addedWithin(TargetState state, Instant now, Duration window) {
    return state
        .cooldowns()
        .lastScaleOut()
        .map(o -> now.isBefore(o.at().plus(window)))
        .orElse(false);
  }
}

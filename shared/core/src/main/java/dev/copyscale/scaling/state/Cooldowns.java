package dev.copyscale.scaling.state;

import java.time.Instant;
import java.util.Optional;

/**
 * The last scaling activities of one target, as far as cooldowns care.
 *
 * @param lastScaleOut the latest scale-out: when, and from which capacity to which
 * @param lastScaleIn when the latest scale-in happened; a later scale-out clears it
 */
public record Cooldowns(Optional<ScaleOut> lastScaleOut, Optional<Instant> lastScaleIn) {
  public static final Cooldowns NONE = new Cooldowns(Optional.empty(), Optional.empty());

  public record ScaleOut(Instant at, int from, int to) {}

  /** After a scale-out; it also cancels any scale-in cooldown (Application Auto Scaling's rule). */
  public Cooldowns afterScaleOut(Instant at, int from, int to) {
    return new Cooldowns(Optional.of(new ScaleOut(at, from, to)), Optional.empty());
  }

  public Cooldowns afterScaleIn(Instant at) {
    return new Cooldowns(lastScaleOut, Optional.of(at));
  }

  /**
   * After capacity moved from {@code from} to {@code to} at {@code at}: a scale-out, a scale-in, or
   * neither.
   */
  public Cooldowns afterChange(Instant at, int from, int to) {
    return to > from ? afterScaleOut(at, from, to) : to < from ? afterScaleIn(at) : this;
  }
}

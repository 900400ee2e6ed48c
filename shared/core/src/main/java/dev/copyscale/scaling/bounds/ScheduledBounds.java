package dev.copyscale.scaling.bounds;

import dev.copyscale.schedule.ScheduleClock;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which schedule's bounds are in force at an instant: those of the most recent firing, where a
 * schedule fires {@code leadSeconds} before each occurrence of its cron in its time zone. A pure
 * function, so deploy (mid-window), the scheduled-scaling function and the reconcile tick (healing
 * a missed delivery) all agree.
 */
public final class ScheduledBounds {
  private ScheduledBounds() {}

  /** A schedule's window: which schedule, when it fired, and its bounds. */
  public record Window(Schedule schedule, Instant firedAt, int minCapacity, int maxCapacity) {}

  /**
   * The window in force at {@code now}; empty when no schedule has fired yet (spec bounds apply).
   */
  public static Optional<Window> inForce(List<Schedule> schedules, Instant now) {
    Window best = null;
    for (Schedule s : schedules) {
      Optional<Instant> occurrence =
          ScheduleClock.of(s.cron(), s.timezone())
              .latestAtOrBefore(now.plusSeconds(s.leadSeconds()));
      if (occurrence.isEmpty()) {
        continue;
      }
      Instant fired = occurrence.get().minusSeconds(s.leadSeconds());
      // On a tie the schedule listed later wins, so a spec can order overlapping windows.
      if (best == null || !fired.isBefore(best.firedAt())) {
        best = new Window(s, fired, s.minCapacity(), s.maxCapacity());
      }
    }
    return Optional.ofNullable(best);
  }

  /** When a schedule fires next after {@code after}, lead included. */
  public static Optional<Instant> nextFiring(Schedule s, Instant after) {
    return ScheduleClock.of(s.cron(), s.timezone())
        .next(after.plusSeconds(s.leadSeconds()))
        .map(t -> t.minusSeconds(s.leadSeconds()));
  }
}

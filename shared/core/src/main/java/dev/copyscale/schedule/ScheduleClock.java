package dev.copyscale.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Optional;

/**
 * When a cron schedule fires in a time zone, as EventBridge Scheduler documents it: the expression
 * is evaluated on the zone's local time; an occurrence that falls in the hour skipped when daylight
 * saving time starts does not fire; one that falls in the hour repeated when it ends fires once, at
 * its first instance.
 */
public final class ScheduleClock {
  /**
   * Occurrences further apart than this are not looked for (a yearly cron is the sparsest kind).
   */
  private static final int MAX_SKIPS = 16;

  /** Firings a repeated hour can hold, at most one a minute. */
  private static final int OVERLAP_MINUTES = 60;

  private final AwsCron cron;
  private final ZoneId zone;

  public ScheduleClock(AwsCron cron, ZoneId zone) {
    this.cron = cron;
    this.zone = zone;
  }

  public static ScheduleClock of(String cron, String zone) {
    return new ScheduleClock(AwsCron.parse(cron), ZoneId.of(zone));
  }

  /** The first firing strictly after {@code after}. */
  public Optional<Instant> next(Instant after) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone);
    for (int i = 0; i < MAX_SKIPS; i++) {
      Optional<ZonedDateTime> candidate = cron.next(local.atZone(ZoneOffset.UTC));
      if (candidate.isEmpty()) {
        return Optional.empty();
      }
      local = candidate.get().toLocalDateTime();
      Optional<Instant> firing = firing(local);
      if (firing.isPresent() && firing.get().isAfter(after)) {
        return firing;
      }
    }
    return Optional.empty();
  }

  /** The latest firing at or before {@code at}: the occurrence whose window is in force then. */
  public Optional<Instant> latestAtOrBefore(Instant at) {
    // In the second pass of a repeated hour, later local times of the first pass fired earlier:
    // walk back from the end of that hour, skipping firings after {@code at}.
    LocalDateTime atLocal = LocalDateTime.ofInstant(at, zone);
    ZoneOffsetTransition overlap = zone.getRules().getTransition(atLocal);
    LocalDateTime local =
        overlap != null && overlap.isOverlap()
            ? overlap.getDateTimeBefore()
            : atLocal.plusSeconds(1);
    for (int i = 0; i < MAX_SKIPS + OVERLAP_MINUTES; i++) {
      Optional<ZonedDateTime> candidate = cron.previous(local.atZone(ZoneOffset.UTC));
      if (candidate.isEmpty()) {
        return Optional.empty();
      }
      local = candidate.get().toLocalDateTime();
      Optional<Instant> firing = firing(local);
      if (firing.isPresent() && !firing.get().isAfter(at)) {
        return firing;
      }
    }
    return Optional.empty();
  }

  /** The instant a local occurrence fires: none in a DST gap, the earlier one in a DST overlap. */
  Optional<Instant> firing(LocalDateTime local) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(local.toInstant(offsets.get(0)));
  }

  public ZoneId zone() {
    return zone;
  }
}

package dev.copyscale.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * Clocks by cron and zone, one set per thread: a clock remembers its last answers, and a thread
   * asks about its own stretch of time (a Lambda's handler one tick after another, a simulation one
   * minute after another).
   */
  private static final ThreadLocal<Map<String, ScheduleClock>> CLOCKS =
      ThreadLocal.withInitial(HashMap::new);

  /** Clocks a thread keeps at most (a deployment has a handful of schedules). */
  private static final int MAX_CLOCKS = 256;

  private final AwsCron cron;
  private final ZoneId zone;

  /**
   * The last firing found after some instant: every instant from {@code from} until {@code firing}
   * has the same next firing, so a caller stepping through time computes each firing once.
   */
  private Span lastNext;

  /**
   * The last firing found at or before some instant, and the one after it: every instant from
   * {@code from} until {@code firing} has {@code from} as its latest firing.
   */
  private Span lastLatest;

  /**
   * An instant {@code from} and a firing after it, with no firing in between. A clock may be shared
   * by threads: it holds one immutable span at a time, and a stale one is only a miss.
   */
  private record Span(Instant from, Instant firing) {
    boolean holds(Instant at) {
      return !at.isBefore(from) && at.isBefore(firing);
    }
  }

  public ScheduleClock(AwsCron cron, ZoneId zone) {
    this.cron = cron;
    this.zone = zone;
  }

  /**
   * The clock of a cron expression in a zone; the calling thread's own, parsed once, so that its
   * answers are remembered from one call to the next.
   */
  public static ScheduleClock of(String cron, String zone) {
    Map<String, ScheduleClock> clocks = CLOCKS.get();
    String key = cron + "|" + zone;
    ScheduleClock clock = clocks.get(key);
    if (clock == null) {
      clock = new ScheduleClock(AwsCron.parse(cron), ZoneId.of(zone));
      if (clocks.size() >= MAX_CLOCKS) {
        clocks.clear();
      }
      clocks.put(key, clock);
    }
    return clock;
  }

  /** The first firing strictly after {@code after}. */
  public Optional<Instant> next(Instant after) {
    Span last = lastNext;
    if (last != null && last.holds(after)) {
      return Optional.of(last.firing());
    }
    Optional<Instant> next = search(after);
    next.ifPresent(firing -> lastNext = new Span(after, firing));
    return next;
  }

  private Optional<Instant> search(Instant after) {
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
    Span last = lastLatest;
    if (last != null && last.holds(at)) {
      return Optional.of(last.from());
    }
    Optional<Instant> latest = searchBack(at);
    if (latest.isPresent()) {
      Optional<Instant> following = next(latest.get());
      following.ifPresent(firing -> lastLatest = new Span(latest.get(), firing));
    }
    return latest;
  }

  private Optional<Instant> searchBack(Instant at) {
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

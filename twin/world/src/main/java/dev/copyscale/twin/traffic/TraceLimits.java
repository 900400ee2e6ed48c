package dev.copyscale.twin.traffic;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * How much work one trace may set, checked before any is done (docs/simulation.md, "Limits").
 *
 * <ul>
 *   <li>{@code maxRequests}: 10,000,000 by default. The simulator runs about 400,000 requests a
 *       second on 2 cores and a trace holds 16 bytes a request, so 10 million is about 25 s and 160
 *       MB a spec: three simulated weeks of the Azure hour. {@code --max-requests} raises it (with
 *       {@code java -Xmx} for the memory).
 *   <li>{@link #MAX_SPAN}: 400 days, what one {@code world advance} moves: a year of every
 *       schedule.
 *   <li>{@link #MAX_TOKENS}: 1,048,576 tokens in one request's prompt or output: the longest
 *       context windows served today are about a million tokens, and a longer request is no request
 *       a model can take.
 *   <li>{@link #FIRST}..{@link #LAST}: the years EventBridge Scheduler's cron expressions can name
 *       (1970 to 2199), so every schedule of a spec can fire during the trace.
 * </ul>
 */
public record TraceLimits(long maxRequests) {
  public static final long MAX_REQUESTS = 10_000_000;
  public static final Duration MAX_SPAN = Duration.ofDays(400);
  public static final int MAX_TOKENS = 1 << 20;
  public static final Instant FIRST = LocalDateTime.of(1970, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);
  public static final Instant LAST = LocalDateTime.of(2200, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);

  public static final TraceLimits DEFAULT = new TraceLimits(MAX_REQUESTS);

  /**
   * Heap a simulated request takes at most: the trace's arrays (16 bytes) and, while the trace is
   * put in time order, an index per request (a boxed integer and its reference, about 32 bytes),
   * with room to spare. ASSUMED from those sizes; {@code --max-requests} sets the limit instead.
   */
  static final long BYTES_PER_REQUEST = 64;

  /**
   * The requests a trace may hold in a JVM of {@code maxHeapBytes} of heap (half of it, the rest
   * for the simulation itself), and at least {@link #MAX_REQUESTS}.
   */
  public static TraceLimits forHeap(long maxHeapBytes) {
    return new TraceLimits(Math.max(MAX_REQUESTS, maxHeapBytes / 2 / BYTES_PER_REQUEST));
  }

  public TraceLimits {
    if (maxRequests < 1) {
      throw new IllegalArgumentException("the most requests a trace may hold must be at least 1");
    }
  }

  /**
   * Refuses a trace of {@code requests} (counted or expected) requests over {@code span}, naming
   * {@code what} sets it.
   */
  public void check(String what, double requests, double spanSeconds) {
    if (!(spanSeconds <= MAX_SPAN.toSeconds())) {
      throw new IllegalArgumentException(
          what
              + " lasts "
              + days(spanSeconds)
              + ", more than the 400 days one simulation covers (what one world advance moves);"
              + " simulate it in stretches of at most 400 days");
    }
    if (!(requests <= maxRequests)) {
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "%s is about %,.0f requests, more than the %,d one trace may hold here (half of"
                  + " this JVM's heap at %d bytes a request, at least 10 million); lower the rate"
                  + " or the duration, or give the JVM more heap (java -Xmx) or the limit"
                  + " yourself (--max-requests N)",
              what,
              requests,
              maxRequests,
              BYTES_PER_REQUEST));
    }
  }

  /** Refuses a request's token count beyond {@link #MAX_TOKENS}. */
  static void checkTokens(String what, long tokens) {
    if (tokens > MAX_TOKENS) {
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "%s of %,d is more than the %,d tokens one request may have (the longest context"
                  + " windows served are about a million tokens)",
              what,
              tokens,
              MAX_TOKENS));
    }
  }

  /** Refuses a time outside the years cron expressions can name. */
  public static void checkTime(String what, Instant at) {
    if (at.isBefore(FIRST) || !at.isBefore(LAST)) {
      throw new IllegalArgumentException(
          what
              + " "
              + at
              + " is outside 1970-2199, the years EventBridge Scheduler's cron expressions (and so"
              + " a spec's schedules) can name");
    }
  }

  private static String days(double seconds) {
    return Double.isFinite(seconds)
        ? String.format(java.util.Locale.ROOT, "%,.0f days", Math.floor(seconds / 86_400))
        : "for ever";
  }
}

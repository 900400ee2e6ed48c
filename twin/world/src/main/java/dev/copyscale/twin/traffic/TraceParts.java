package dev.copyscale.twin.traffic;

/**
 * A trace cut in two at an offset (the part a configuration is chosen on and the part it is scored
 * on), and its arrivals counted by the minute. Each part starts at its own offset 0; the caller
 * knows the clock time each starts at.
 */
public final class TraceParts {
  private static final long MINUTE = 60_000_000L;

  private TraceParts() {}

  /** The requests that arrive before {@code atMicros}; the part lasts until then. */
  public static Trace before(Trace t, long atMicros) {
    check(t, atMicros);
    int n = firstAtOrAfter(t, atMicros);
    long[] a = new long[n];
    int[] p = new int[n];
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = t.arrivalMicros(i);
      p[i] = t.promptTokens(i);
      o[i] = t.outputTokens(i);
    }
    return new Trace(a, p, o, atMicros);
  }

  /**
   * The requests that arrive at or after {@code atMicros}, {@code atMicros} earlier; the part lasts
   * until the trace ends.
   */
  public static Trace from(Trace t, long atMicros) {
    check(t, atMicros);
    int first = firstAtOrAfter(t, atMicros);
    int n = t.size() - first;
    long[] a = new long[n];
    int[] p = new int[n];
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = t.arrivalMicros(first + i) - atMicros;
      p[i] = t.promptTokens(first + i);
      o[i] = t.outputTokens(first + i);
    }
    return new Trace(a, p, o, t.endMicros() - atMicros);
  }

  /** Arrivals in each minute from the trace's start to its end (at least one minute). */
  public static long[] perMinute(Trace t) {
    long[] counts = new long[(int) Math.max(1, (t.endMicros() + MINUTE - 1) / MINUTE)];
    for (int i = 0; i < t.size(); i++) {
      int m = (int) Math.min(counts.length - 1, t.arrivalMicros(i) / MINUTE);
      counts[m]++;
    }
    return counts;
  }

  private static void check(Trace t, long atMicros) {
    if (atMicros < 0 || atMicros > t.endMicros()) {
      throw new IllegalArgumentException(
          "a cut at " + atMicros + " µs lies outside the trace (0 to " + t.endMicros() + " µs)");
    }
  }

  /** The index of the first request at or after {@code micros}; the size when none is. */
  private static int firstAtOrAfter(Trace t, long micros) {
    int lo = 0;
    int hi = t.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t.arrivalMicros(mid) < micros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

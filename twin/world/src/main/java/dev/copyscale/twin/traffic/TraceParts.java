package dev.copyscale.twin.traffic;

/**
 * What {@code copyscale frontier} reads of a trace: the part before a cut (what a configuration is
 * chosen on), its arrivals by the minute and its mean request.
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

  /** Arrivals in each minute from the trace's start to its end (at least one minute). */
  public static long[] perMinute(Trace t) {
    long[] counts = new long[(int) Math.max(1, (t.endMicros() + MINUTE - 1) / MINUTE)];
    for (int i = 0; i < t.size(); i++) {
      int m = (int) Math.min(counts.length - 1, t.arrivalMicros(i) / MINUTE);
      counts[m]++;
    }
    return counts;
  }

  /** The mean request's tokens, prompt and output together; 0 for a trace with none. */
  public static double meanTokens(Trace t) {
    double sum = 0;
    for (int i = 0; i < t.size(); i++) {
      sum += t.promptTokens(i) + t.outputTokens(i);
    }
    return t.size() == 0 ? 0 : sum / t.size();
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

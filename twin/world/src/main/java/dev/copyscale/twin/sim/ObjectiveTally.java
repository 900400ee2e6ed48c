package dev.copyscale.twin.sim;

import java.util.Arrays;

/**
 * Counts, for one objective, the requests that met it and puts every one that missed it under one
 * cause ({@link Misses}); says whether a minute's requests met it, so that a rise of the load ends
 * only once latency is back within the objective. Served requests that missed it are kept by the
 * minute they arrived in until the rises are known ({@link #riseWindow}).
 */
final class ObjectiveTally {
  private static final long MINUTE = 60_000_000L;

  private final double ttftMs;
  private final double itlMs;
  private final double attainment;
  private final long startUpMicros;

  private long requests;
  private long refused;
  private long within;
  private long noCopy;
  private long timedOut;
  private long modelErrors;
  private long late;

  /** Served requests that missed the objective, by the minute they arrived in. */
  private long[] lateByMinute = new long[64];

  /** Minutes within a start-up time of a rise's start ({@link #riseWindow}). */
  private final java.util.BitSet riseMinutes = new java.util.BitSet();

  private long minuteFinished;
  private long minuteWithin;
  private long minuteMissed;

  /**
   * @param startUpMicros how long a copy on a new instance takes from being asked for to serving:
   *     late requests within that time of a rise's start could not have been served in time by any
   *     reactive scaling
   */
  ObjectiveTally(double ttftMs, double itlMs, double attainment, long startUpMicros) {
    this.ttftMs = ttftMs;
    this.itlMs = itlMs;
    this.attainment = attainment;
    this.startUpMicros = startUpMicros;
  }

  boolean sameObjective(double ttft, double itl, double share) {
    return ttft == ttftMs && itl == itlMs && share == attainment;
  }

  /**
   * A request finished: {@code refused} when the model's token limits refuse it, {@code failure}
   * the error the client saw (null when served), {@code ttftMicros} and {@code decodeMicros} (after
   * the first token) when served.
   */
  void finished(
      boolean refused,
      String failure,
      long arrivalMicros,
      long ttftMicros,
      long decodeMicros,
      int outputTokens) {
    requests++;
    if (refused) {
      this.refused++;
      minuteMissed++;
      return;
    }
    minuteFinished++;
    if (failure != null) {
      minuteMissed++;
      switch (failure) {
        case ServingEngine.NO_CAPACITY -> noCopy++;
        case ServingEngine.TIMED_OUT -> timedOut++;
        default -> modelErrors++;
      }
      return;
    }
    if (meets(ttftMicros, decodeMicros, outputTokens)) {
      within++;
      minuteWithin++;
      return;
    }
    late++;
    minuteMissed++;
    int minute = (int) Math.max(0, Math.floorDiv(arrivalMicros, MINUTE));
    if (minute >= lateByMinute.length) {
      lateByMinute = Arrays.copyOf(lateByMinute, Math.max(minute + 1, lateByMinute.length * 2));
    }
    lateByMinute[minute]++;
  }

  /**
   * Whether a served request met the objective: its time to first token (to the millisecond) and,
   * with an ITL objective, its time per output token after the first (a request of one output token
   * has none to time).
   */
  private boolean meets(long ttftMicros, long decodeMicros, int outputTokens) {
    if ((ttftMicros + 500) / 1000 > ttftMs) {
      return false;
    }
    return itlMs <= 0 || outputTokens <= 1 || decodeMicros / 1000.0 / (outputTokens - 1) <= itlMs;
  }

  /**
   * Whether the requests the model can serve that finished in the minute now ending met the
   * objective at its attainment (a minute in which none finished meets it only when nothing
   * arrived); starts the next minute.
   */
  boolean minuteMet(long arrivals) {
    boolean met =
        minuteFinished == 0 ? arrivals == 0 : minuteWithin >= attainment * minuteFinished - 1e-9;
    minuteFinished = 0;
    minuteWithin = 0;
    minuteMissed = 0;
    return met;
  }

  /** The requests finished in the minute under way that missed the objective, refused included. */
  long minuteMissed() {
    return minuteMissed;
  }

  /**
   * A rise of the load beyond the serving copies, from {@code fromMicros} (a minute's start) to
   * {@code toMicros} (when the objective was met again, or the end): late requests that arrived in
   * its first start-up time count under {@link Misses#riseFasterThanStartUp}.
   */
  void riseWindow(long fromMicros, long toMicros) {
    long end = Math.min(toMicros, fromMicros + startUpMicros);
    for (long m = Math.floorDiv(fromMicros, MINUTE); m * MINUTE < end; m++) {
      riseMinutes.set((int) Math.max(0, m));
    }
  }

  /** What the objective came to over every request finished. */
  ObjectiveOutcome outcome(String source) {
    long rise = 0;
    for (int m = riseMinutes.nextSetBit(0);
        m >= 0 && m < lateByMinute.length;
        m = riseMinutes.nextSetBit(m + 1)) {
      rise += lateByMinute[m];
    }
    Misses misses = new Misses(refused, noCopy, rise, late - rise, timedOut, modelErrors);
    double attained = requests == 0 ? 1 : (double) within / requests;
    long servable = requests - refused;
    return new ObjectiveOutcome(
        source,
        ttftMs,
        itlMs,
        attainment,
        attained,
        servable,
        servable == 0 ? 1 : (double) within / servable,
        attained >= attainment,
        misses);
  }

  /** The share of all requests finished that met the objective (1 when none finished). */
  double attained() {
    return requests == 0 ? 1 : (double) within / requests;
  }
}

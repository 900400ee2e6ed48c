package dev.copyscale.frontier;

/**
 * Where a trace is cut for out-of-sample scoring: a configuration is chosen on the requests that
 * arrive before {@code atMicros} and scored on those from it on, so it is never scored on the data
 * it was chosen on. The cut falls on a whole minute from the trace's start (SageMaker's metrics and
 * schedules are by the minute), with at least a minute on each side.
 *
 * @param atMicros where the rest begins, microseconds from the trace's start
 * @param endMicros where the trace ends
 */
public record Split(long atMicros, long endMicros) {
  static final long MINUTE = 60_000_000L;

  public Split {
    if (atMicros < MINUTE || endMicros - atMicros < MINUTE || atMicros % MINUTE != 0) {
      throw new IllegalArgumentException(
          "a split needs a whole minute at least a minute from each end, got "
              + atMicros
              + " of "
              + endMicros
              + " µs");
    }
  }

  /**
   * The cut after {@code firstShare} of a trace lasting {@code endMicros}, rounded to the nearest
   * minute and kept a minute from either end.
   *
   * @throws IllegalArgumentException when the share is not between 0 and 1 (both excluded) or the
   *     trace lasts less than two minutes, saying so
   */
  public static Split of(long endMicros, double firstShare) {
    if (!(firstShare > 0 && firstShare < 1)) {
      throw new IllegalArgumentException(
          "the share to choose on must lie between 0% and 100% (both excluded), got "
              + firstShare * 100
              + "%");
    }
    if (endMicros < 2 * MINUTE) {
      throw new IllegalArgumentException(
          "a trace of less than two minutes cannot be split into a part to choose on and a part"
              + " to score on");
    }
    long minutes = endMicros / MINUTE;
    long at = Math.round(endMicros * firstShare / MINUTE);
    at = Math.max(1, Math.min(at, minutes - 1));
    // The last whole minute may end less than a minute before the trace does.
    if (endMicros - at * MINUTE < MINUTE) {
      at--;
    }
    return new Split(at * MINUTE, endMicros);
  }
}

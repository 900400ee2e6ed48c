package dev.copyscale.slo;

import dev.copyscale.slo.LoadHistory.Series;
import java.util.Locale;

/**
 * What SageMaker's metrics tell engine slo of its objective over the recent window (docs/slo.md,
 * "Explained"): how many requests failed and why, as far as CloudWatch says (InvocationModelErrors,
 * which count both the requests that outlast the 60 s invocation timeout and those TGI refuses as
 * too long, and NoCapacityInvocationFailures, refused for want of a copy), against the share the
 * attainment allows, and how many minutes a copy held more requests than planned (the minutes whose
 * requests risk the objective). SageMaker publishes no time to first token or per output token, so
 * whether the requests served met the objective is not known; the reason says so.
 *
 * @param minutes the window's length
 * @param requests requests that arrived (Invocations and NoCapacityInvocationFailures)
 * @param modelErrors InvocationModelErrors
 * @param refused NoCapacityInvocationFailures
 * @param minutesOver minutes whose busiest copy (ConcurrentRequestsPerCopy Maximum) held more than
 *     {@code perCopy}
 * @param perCopy the requests a copy is planned to run within the objective
 * @param attainment the share of requests the objective asks to meet it
 */
public record ObjectiveWindow(
    int minutes,
    double requests,
    double modelErrors,
    double refused,
    int minutesOver,
    double perCopy,
    double attainment) {

  /** The last {@code minutes} of {@code history}. */
  public static ObjectiveWindow last(
      LoadHistory history, int minutes, double perCopy, double attainment) {
    double invocations = 0;
    double errors = 0;
    double refused = 0;
    int over = 0;
    int from = Math.max(0, history.minutes() - minutes);
    for (int i = from; i < history.minutes(); i++) {
      invocations += zeroIfMissing(history.value(Series.INVOCATIONS, i));
      errors += zeroIfMissing(history.value(Series.MODEL_ERRORS, i));
      refused += zeroIfMissing(history.value(Series.NO_CAPACITY, i));
      if (history.value(Series.CONCURRENCY_PER_COPY_MAX, i) > perCopy) {
        over++;
      }
    }
    return new ObjectiveWindow(
        minutes, invocations + refused, errors, refused, over, perCopy, attainment);
  }

  /** Requests that failed: the model's errors and those refused for want of a copy. */
  public double failed() {
    return modelErrors + refused;
  }

  /** Whether the failures alone are more than the objective allows: then it was missed. */
  public boolean missed() {
    return requests > 0 && failed() > (1 - attainment) * requests;
  }

  /**
   * "over the last 30 min: 57 of 9312 requests failed (0.6 %: 32 model errors, timeouts or inputs
   * too long, not told apart; 25 refused for want of a copy), more than the 1 % allowed: missed; a
   * copy held more than 16 in flight in 3 of 30 min; ..."
   */
  String describe() {
    String s = "over the last " + minutes + " min: ";
    if (requests <= 0) {
      return s + "no requests";
    }
    s +=
        SloReason.fmt(Math.round(failed()))
            + " of "
            + SloReason.fmt(Math.round(requests))
            + " requests failed";
    if (failed() > 0) {
      s +=
          String.format(Locale.ROOT, " (%.1f %%: ", 100 * failed() / requests)
              + SloReason.fmt(Math.round(modelErrors))
              + " model errors, timeouts or inputs too long, not told apart; "
              + SloReason.fmt(Math.round(refused))
              + " refused for want of a copy)";
    }
    String allowed = SloReason.fmt(Math.round((1 - attainment) * 1000) / 10.0) + " %";
    s +=
        missed()
            ? ", more than the " + allowed + " allowed: missed"
            : ", within the " + allowed + " allowed";
    s +=
        "; a copy held more than "
            + SloReason.fmt(perCopy)
            + " in flight in "
            + minutesOver
            + " of "
            + minutes
            + " min; SageMaker publishes neither time to first token nor time per output token, so"
            + " whether the requests served met it is not known";
    return s;
  }

  private static double zeroIfMissing(double v) {
    return Double.isNaN(v) ? 0 : v;
  }
}

package dev.copyscale.slo;

import dev.copyscale.slo.LoadHistory.Series;
import java.util.Optional;

/**
 * Copies past what they can serve (docs/slo.md, "Overloaded copies"): in the last minute the model
 * failed more requests than the objective allows ({@code 1 - attainment} of them), and the copies
 * held more requests in flight than they completed in the whole minute, so by Little's law the mean
 * request stayed longer than a minute, past SageMaker's 60 s invocation timeout. Then no minute
 * within the operating point exists to learn the request size from, and the serving model's figures
 * (planned at the model's request shape until such minutes teach otherwise) say nothing of how
 * short the capacity is. Nor do the completions: a copy whose requests time out completes fewer
 * than it could (it spends its steps on requests that then time out, down to none a minute), and in
 * the first such minute more than it will keep up. So the engine does not wait to learn: it asks
 * for every copy the bounds allow, and what the load does not need goes back after the scale-in
 * window, once calm minutes have taught what a copy carries. {@link Demand} counts an overload only
 * where as many copies as the serving model asks for have served two whole minutes: fewer are
 * capacity on its way, and sooner the failures are the backlog from before them timing out.
 *
 * @param failed requests the model failed in the minute (InvocationModelErrors)
 * @param invocations requests it received (Invocations)
 * @param completed requests the copies completed (Invocations less InvocationModelErrors)
 * @param inFlight requests in flight on average (ConcurrentRequestsPerCopy times the copies)
 * @param copies copies that served in it
 */
public record Overload(
    double failed, double invocations, double completed, double inFlight, double copies) {

  /** The last minute of {@code history}, when it shows the copies overloaded. */
  public static Optional<Overload> last(LoadHistory history, double attainment) {
    int i = history.minutes() - 1;
    if (i < 0) {
      return Optional.empty();
    }
    double invocations = history.value(Series.INVOCATIONS, i);
    double failed = history.value(Series.MODEL_ERRORS, i);
    double copies = history.copies(i);
    double perCopy = history.value(Series.CONCURRENCY_PER_COPY, i);
    if (!(invocations > 0) || !(failed > 0) || Double.isNaN(copies) || Double.isNaN(perCopy)) {
      return Optional.empty();
    }
    double completed = history.completed(i);
    double inFlight = perCopy * copies;
    // The failures alone break the objective, and the mean request outlasts the minute.
    if (failed <= (1 - attainment) * invocations || inFlight <= completed) {
      return Optional.empty();
    }
    return Optional.of(new Overload(failed, invocations, completed, inFlight, copies));
  }

  /** More copies than any deployment's bounds allow: the bounds and guardrails then decide. */
  public static final int EVERY_COPY = 100_000;
}

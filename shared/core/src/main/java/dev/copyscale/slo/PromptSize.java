package dev.copyscale.slo;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * How much longer this traffic's prompts are than the serving model's request shape, told apart
 * from its answers by how ModelLatency grows with concurrency (docs/slo.md, "Learning online").
 *
 * <p>TGI prefills a new request while the running batch waits (no chunked prefill in TGI 2.x), so a
 * request in flight for {@code L} waits for the prefills of every request that arrives meanwhile:
 * by Little's law {@code c} of them at {@code c} requests in flight. Its latency is its decoding
 * and {@code c} prefills: {@code L(c) = D(c) + c·P}, with {@code P} one request's prefill ({@code
 * ttft} at one request in flight) and {@code D(c)} the rest of the serving model's latency at
 * {@code c}. Requests whose answers are {@code a} times the model's and prompts {@code b} times
 * take {@code a·D(c) + b·c·P}: the ratio of ModelLatency to the model's at the same concurrency is
 * {@code a + (b − a)·w}, where {@code w = c·P / L(c)} is the prefills' share of the model's latency
 * there. A least-squares line of the calm minutes' ratios against their share gives {@code b} at
 * {@code w = 1}. Longer answers raise the ratio at every concurrency; longer prompts raise it more
 * the more requests are in flight, and that is how the two are told apart without token counts.
 *
 * <p>Accumulated as sums, so blocks of history add up without keeping their minutes.
 *
 * @param n calm minutes
 * @param sw the sum of their prefill shares
 * @param sr the sum of their ratios
 * @param sww the sum of squared shares
 * @param swr the sum of share times ratio
 * @param srr the sum of squared ratios
 */
public record PromptSize(double n, double sw, double sr, double sww, double swr, double srr) {
  /** No minutes. */
  public static final PromptSize NONE = new PromptSize(0, 0, 0, 0, 0, 0);

  /**
   * Calm minutes the fit needs (ASSUMED: half an hour, as the last hour's correction needs, so a
   * few odd minutes never move it).
   */
  public static final int MIN_SAMPLES = 30;

  /**
   * The largest standard error, relative to the estimate, at which the prompts' size is planned
   * with (ASSUMED: 10 %; a line through minutes whose concurrency barely varied extrapolates to
   * {@code w = 1} with a wide error, and is not planned with until the load has varied enough).
   */
  public static final double MAX_RELATIVE_ERROR = 0.1;

  /**
   * The prefills' share of the serving model's latency at concurrency {@code c}: {@code c·P / L}
   * within [0, 1].
   *
   * @param prefillMs one request's prefill, the model's time to first token at one request
   * @param latencyMs the model's latency at {@code c}
   */
  public static double share(double c, double prefillMs, double latencyMs) {
    if (!(latencyMs > 0) || !(prefillMs >= 0) || !(c >= 0)) {
      throw new IllegalArgumentException(
          "a share needs a positive latency and no negative prefill or concurrency: c "
              + c
              + ", prefill "
              + prefillMs
              + " ms, latency "
              + latencyMs
              + " ms");
    }
    return Math.min(1, c * prefillMs / latencyMs);
  }

  /** These sums and one more minute's share {@code w} and ratio {@code r}. */
  public PromptSize plus(double w, double r) {
    return new PromptSize(n + 1, sw + w, sr + r, sww + w * w, swr + w * r, srr + r * r);
  }

  /** These sums and another's. */
  public PromptSize plus(PromptSize o) {
    return new PromptSize(n + o.n, sw + o.sw, sr + o.sr, sww + o.sww, swr + o.swr, srr + o.srr);
  }

  /** The shares' spread: the sum of squared deviations from their mean. */
  private double spread() {
    return n == 0 ? 0 : sww - sw * sw / n;
  }

  /**
   * The prompts' size against the model's request shape, the line's ratio at {@code w = 1}; empty
   * with fewer than {@link #MIN_SAMPLES} minutes or shares that do not vary.
   */
  public OptionalDouble estimate() {
    double sxx = spread();
    if (n < MIN_SAMPLES || !(sxx > 1e-12)) {
      return OptionalDouble.empty();
    }
    double slope = (swr - sw * sr / n) / sxx;
    return OptionalDouble.of(sr / n + slope * (1 - sw / n));
  }

  /**
   * The estimate's standard error: the residuals' spread about the line, at {@code w = 1}; empty
   * where there is no estimate or no residual degrees of freedom.
   */
  public OptionalDouble standardError() {
    OptionalDouble b = estimate();
    if (b.isEmpty() || n < 3) {
      return OptionalDouble.empty();
    }
    double sxx = spread();
    double sxy = swr - sw * sr / n;
    double syy = srr - sr * sr / n;
    double residual = Math.max(0, syy - sxy * sxy / sxx) / (n - 2);
    double mean = sw / n;
    return OptionalDouble.of(Math.sqrt(residual * (1 / n + (1 - mean) * (1 - mean) / sxx)));
  }

  /** Whether the estimate is sure enough to plan with ({@link #MAX_RELATIVE_ERROR}). */
  public boolean settled() {
    OptionalDouble b = estimate();
    OptionalDouble se = standardError();
    return b.isPresent()
        && se.isPresent()
        && b.getAsDouble() > 0
        && se.getAsDouble() <= MAX_RELATIVE_ERROR * b.getAsDouble();
  }

  /** The prompts' size learnt, its error and the minutes it rests on, as the reasons say it. */
  public String describe() {
    OptionalDouble b = estimate();
    if (b.isEmpty()) {
      return String.format(
          Locale.ROOT, "prompts not told apart yet (%d of %d calm min)", (long) n, MIN_SAMPLES);
    }
    return String.format(
        Locale.ROOT,
        "prompts %.2fx ± %.2f by ModelLatency's rise with concurrency over %d calm min%s",
        b.getAsDouble(),
        standardError().orElse(Double.NaN),
        (long) n,
        settled() ? "" : ", not yet sure enough to plan with");
  }
}

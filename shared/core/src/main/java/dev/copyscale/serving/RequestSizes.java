package dev.copyscale.serving;

import java.util.Locale;

/**
 * How request sizes spread around their mean: prompt and output tokens each lognormal, described by
 * the ratio of their 99th percentile to their median. An objective met by 99 % of requests is met
 * or missed at the long end of this spread (a long prompt's prefill takes longer, and the requests
 * behind it wait for it), not at the mean, so engine slo plans for it (docs/slo.md, "Capacity from
 * the objective").
 *
 * <p>SageMaker publishes no token counts, so the spread is not learnt: it is {@link #DEFAULT}
 * unless the spec's {@code scaling.slo.requestTail} says otherwise.
 *
 * @param promptTail the 99th-percentile prompt over the median prompt (1: all prompts alike)
 * @param outputTail the 99th-percentile output over the median output
 */
public record RequestSizes(double promptTail, double outputTail) {
  /**
   * The only measured spread copyscale holds: the Azure LLM inference trace 2023, conversation
   * service (Azure Public Dataset, AzureLLMInferenceTrace_conv, CC BY 4.0; the Splitwise paper's
   * trace), one hour of 19,366 requests: prompts p50 1,020 and p99 4,142 tokens, outputs p50 129
   * and p99 601.
   */
  public static final RequestSizes DEFAULT = new RequestSizes(4142.0 / 1020, 601.0 / 129);

  /** Prompts all of one size (outputs still spread at least {@link #MIN_OUTPUT_SIGMA}). */
  public static final RequestSizes UNIFORM = new RequestSizes(1, 1);

  /**
   * Outputs spread at least as {@link ClosedLoop#run}'s do (evenly over 0.75 to 1.25 times the
   * mean: a standard deviation of 0.14 of it), so a closed loop's clients drift apart as real ones
   * do instead of arriving in lockstep, every prefill at once.
   */
  static final double MIN_OUTPUT_SIGMA = 0.5 / Math.sqrt(12);

  public RequestSizes {
    if (!(promptTail >= 1) || !(outputTail >= 1)) {
      throw new IllegalArgumentException(
          "a 99th percentile below the median: " + promptTail + ", " + outputTail);
    }
  }

  /** One tail ratio for prompts and outputs alike. */
  public static RequestSizes of(double tail) {
    return new RequestSizes(tail, tail);
  }

  private static final double Z99 = Quantile.normal(0.99);

  /** The spread as a lognormal's sigma: ln(p99 / median) / z(0.99). */
  static double sigma(double tail) {
    return Math.log(tail) / Z99;
  }

  /** Two irrational steps, so prompt and output quantiles never line up (low-discrepancy). */
  private static final double STEP_PROMPT = 0.6180339887498949;

  private static final double STEP_OUTPUT = 0.7548776662466927;

  /**
   * {@code n} requests of this spread around {@code mean} (each lognormal with that mean), in a
   * fixed low-discrepancy order, so a sample is deterministic and its quantiles even; requests TGI
   * refuses at once ({@link TgiLimits#refuses}) are left out, as no capacity serves them.
   *
   * @return prompts in {@code [0]}, outputs in {@code [1]}
   */
  public int[][] sample(RequestShape mean, TgiLimits limits, int n) {
    double sp = sigma(promptTail);
    double so = Math.max(MIN_OUTPUT_SIGMA, sigma(outputTail));
    double muP = Math.log(mean.promptTokens()) - sp * sp / 2;
    double muO = Math.log(mean.outputTokens()) - so * so / 2;
    int[] prompts = new int[n];
    int[] outputs = new int[n];
    int k = 0;
    // Only a spread so wide that nearly every request is refused could run long; bound it.
    for (long i = 1; k < n && i <= 1000L * n; i++) {
      int p = draw(muP, sp, (i * STEP_PROMPT) % 1.0);
      int o = draw(muO, so, (i * STEP_OUTPUT) % 1.0);
      if (!limits.refuses(p, o)) {
        prompts[k] = p;
        outputs[k] = o;
        k++;
      }
    }
    if (k < n) {
      throw new IllegalArgumentException(
          "requests of " + mean + " spread " + this + " are nearly all refused by " + limits);
    }
    return new int[][] {prompts, outputs};
  }

  private static int draw(double mu, double sigma, double u) {
    double q = Math.min(1 - 1e-9, Math.max(1e-9, u));
    return (int) Math.max(1, Math.round(Math.exp(mu + sigma * Quantile.normal(q))));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "99th-percentile prompt %.1fx and output %.1fx the median",
        promptTail,
        outputTail);
  }
}

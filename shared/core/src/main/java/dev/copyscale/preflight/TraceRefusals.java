package dev.copyscale.preflight;

import dev.copyscale.serving.TgiLimits;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * What share of a trace a spec's token limits refuse: TGI answers a prompt over MAX_INPUT_LENGTH,
 * or a prompt and output together over MAX_TOTAL_TOKENS, with 422 ("input too long") at once,
 * whatever the capacity, so those requests can never meet an objective.
 *
 * @param trace the trace as given
 * @param inputTooLong requests whose prompt is over MAX_INPUT_LENGTH
 * @param totalTooLong the others whose prompt and output are over MAX_TOTAL_TOKENS
 */
public record TraceRefusals(
    String trace,
    long requests,
    int maxInputTokens,
    int maxTotalTokens,
    long inputTooLong,
    long totalTooLong) {

  /** Counts the requests of a trace of {@code n} that {@code limits} refuse. */
  public static TraceRefusals count(
      String trace,
      TgiLimits limits,
      int n,
      IntUnaryOperator promptTokens,
      IntUnaryOperator outputTokens) {
    long input = 0;
    long total = 0;
    for (int i = 0; i < n; i++) {
      int prompt = promptTokens.applyAsInt(i);
      if (prompt > limits.maxInputTokens()) {
        input++;
      } else if (limits.refuses(prompt, outputTokens.applyAsInt(i))) {
        total++;
      }
    }
    return new TraceRefusals(
        trace, n, limits.maxInputTokens(), limits.maxTotalTokens(), input, total);
  }

  public long refused() {
    return inputTooLong + totalTooLong;
  }

  /** The share of the trace refused, 0 for an empty one. */
  public double share() {
    return requests == 0 ? 0 : (double) refused() / requests;
  }

  /**
   * The warning preflight gives when the limits refuse any request, naming the settings: at most
   * {@code 1 - share} of the trace can meet any objective.
   */
  public Optional<String> warning() {
    if (refused() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "component.env: the token limits refuse %,d of the %,d requests of %s (%s): %,d with a"
                + " prompt over MAX_INPUT_LENGTH %,d, %,d over MAX_TOTAL_TOKENS %,d with their"
                + " output. TGI answers them 422 (input too long) whatever the capacity, so at"
                + " most %s of this trace can meet any objective; raise the limits (within the"
                + " model's context) to serve them",
            refused(),
            requests,
            trace,
            percent(share()),
            inputTooLong,
            maxInputTokens,
            totalTooLong,
            maxTotalTokens,
            percent(1 - share())));
  }

  private static String percent(double share) {
    return share > 0 && share < 0.00005
        ? "<0.01%"
        : String.format(Locale.ROOT, "%.2f%%", 100 * share);
  }
}

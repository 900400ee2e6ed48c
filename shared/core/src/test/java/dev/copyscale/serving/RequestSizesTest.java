package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestSizesTest {
  private static final TgiLimits LIMITS = new TgiLimits(7168, 8192, 62_593, List.of());
  private static final RequestShape MEAN = new RequestShape(1155, 211);

  private static double quantile(int[] values, double q) {
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(q * sorted.length) - 1];
  }

  @Test
  void theDefaultIsTheAzureConversationTracesSpread() {
    // Prompts p50 1,020 and p99 4,142; outputs p50 129 and p99 601 (shared data, the Azure hour).
    assertThat(RequestSizes.DEFAULT.promptTail()).isCloseTo(4.06, within(0.01));
    assertThat(RequestSizes.DEFAULT.outputTail()).isCloseTo(4.66, within(0.01));
  }

  @Test
  void aSampleHasTheMeanAndTheTailAsked() {
    int[][] s = RequestSizes.DEFAULT.sample(MEAN, LIMITS, 20_000);
    assertThat(Arrays.stream(s[0]).average().orElseThrow()).isCloseTo(1155, within(1155 * 0.03));
    assertThat(Arrays.stream(s[1]).average().orElseThrow()).isCloseTo(211, within(211 * 0.03));
    assertThat(quantile(s[0], 0.99) / quantile(s[0], 0.5))
        .isCloseTo(RequestSizes.DEFAULT.promptTail(), within(0.25));
    assertThat(quantile(s[1], 0.99) / quantile(s[1], 0.5))
        .isCloseTo(RequestSizes.DEFAULT.outputTail(), within(0.25));
    // Deterministic: the same sample every time.
    assertThat(RequestSizes.DEFAULT.sample(MEAN, LIMITS, 20_000)[0]).isEqualTo(s[0]);
  }

  @Test
  void requestsTgiRefusesAreLeftOut() {
    TgiLimits tight = new TgiLimits(2048, 4096, 62_593, List.of());
    int[][] s = RequestSizes.DEFAULT.sample(MEAN, tight, 5_000);
    for (int i = 0; i < s[0].length; i++) {
      assertThat(tight.refuses(s[0][i], s[1][i])).isFalse();
    }
    assertThat(Arrays.stream(s[0]).max().orElseThrow()).isLessThanOrEqualTo(2048);
  }

  @Test
  void aTailOfOneIsPromptsAllAlikeWithOutputsSpreadAsAClosedLoopsSoClientsDriftApart() {
    int[][] s = RequestSizes.UNIFORM.sample(MEAN, LIMITS, 1000);
    assertThat(Arrays.stream(s[0]).distinct().toArray()).containsExactly(1155);
    assertThat(Arrays.stream(s[1]).average().orElseThrow()).isCloseTo(211, within(3.0));
    assertThat(Arrays.stream(s[1]).distinct().count()).isGreaterThan(50);
    // Within the closed loop's 0.75 to 1.25 at their quartiles.
    assertThat(quantile(s[1], 0.25)).isBetween(0.75 * 211, 211.0);
    assertThat(quantile(s[1], 0.75)).isBetween(211.0, 1.25 * 211);
  }

  @Test
  void aTailBelowTheMedianIsRefused() {
    assertThatThrownBy(() -> RequestSizes.of(0.9)).isInstanceOf(IllegalArgumentException.class);
  }
}

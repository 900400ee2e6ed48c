package dev.copyscale.twin.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.copyscale.serving.ServingProfile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServingProfileTest {
  static final ServingProfile LLAMA = ServingProfile.llama3OnA10G();

  /**
   * Closed-loop load as the measurement ran it (llmperf: c clients, each sending its next request
   * when the last one finishes, ~550 input and ~175 output tokens), through the copy's admission
   * rule and the profile's service times, for ten simulated minutes: the requests per minute.
   */
  static double closedLoopRequestsPerMinute(int clients) {
    CopyBatch batch = new CopyBatch(1_000_000, 8192, LLAMA.maxConcurrency());
    PriorityQueue<double[]> finishing = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
    for (int i = 0; i < clients; i++) {
      int size = batch.admit(550, 175);
      assertThat(size).isPositive();
    }
    for (int i = 0; i < clients; i++) {
      finishing.add(new double[] {LLAMA.serviceMs(batch.requests(), 175)});
    }
    double end = 600_000;
    int done = 0;
    while (!finishing.isEmpty() && finishing.peek()[0] <= end) {
      double now = finishing.poll()[0];
      batch.finish(550, 175);
      done++;
      int size = batch.admit(550, 175);
      finishing.add(new double[] {now + LLAMA.serviceMs(size, 175)});
    }
    return done / 10.0;
  }

  @ParameterizedTest
  @CsvSource({"1, 11.2", "2, 20.6", "4, 38.0", "8, 64.2", "16, 95.8", "32, 117.9", "64, 103.2"})
  void closedLoopLoadReproducesTheMeasuredThroughputWithinTenPercent(
      int concurrency, double measured) {
    assertThat(closedLoopRequestsPerMinute(concurrency))
        .isCloseTo(measured, within(measured * 0.10));
  }

  @Test
  void measuredFiguresAndInterpolation() {
    assertThat(LLAMA.ttftMs(1)).isEqualTo(138.9);
    assertThat(LLAMA.ttftMs(64)).isEqualTo(2371.6);
    assertThat(LLAMA.ttftMs(128)).isEqualTo(2371.6);
    // halfway between 8 and 16 in log2: sqrt(8 * 16)
    assertThat(LLAMA.ttftMs(Math.sqrt(128))).isCloseTo((325.2 + 475.7) / 2, within(0.01));
    assertThat(LLAMA.measuredItlMs(32)).isEqualTo(50.7);
    // effective per-token time at 32: (32 * 60000 / 117.9 - 707.6) / 175
    assertThat(LLAMA.effectiveItlMs(32))
        .isCloseTo((32 * 60_000 / 117.9 - 707.6) / 175, within(1e-9))
        .isGreaterThan(LLAMA.measuredItlMs(32));
    assertThat(LLAMA.effectiveItlMs(1)).isCloseTo(29.9, within(0.2));
    assertThat(LLAMA.referenceOutputTokens()).isEqualTo(175);
  }

  @Test
  void tgiAdmission() {
    CopyBatch batch = new CopyBatch(8192, 4096, 64);
    assertThat(batch.refuses(4000, 200)).isTrue();
    assertThat(batch.admit(3000, 1000)).isEqualTo(1);
    assertThat(batch.admit(3000, 1000)).isEqualTo(2);
    assertThat(batch.admit(100, 100))
        .as("8000 + 200 tokens exceed MAX_BATCH_TOTAL_TOKENS 8192")
        .isZero();
    batch.finish(3000, 1000);
    assertThat(batch.admit(100, 100)).isEqualTo(2);
  }

  @Test
  void badTablesAreNamed() {
    String noLoad =
        "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute\n"
            + "1,1,1,1,1\n"
            + "2,1,1,1,2\n";
    assertThatThrownBy(
            () ->
                ServingProfile.read(
                    "t.csv", new ByteArrayInputStream(noLoad.getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("must state the load");
    String bad =
        "# ~550 input tokens, ~175 output tokens\n"
            + "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute\n"
            + "1,x,1,1,1\n";
    assertThatThrownBy(
            () ->
                ServingProfile.read(
                    "t.csv", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("t.csv line 3");
  }
}

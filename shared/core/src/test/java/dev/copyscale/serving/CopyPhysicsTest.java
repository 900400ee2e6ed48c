package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The physics of one forward pass (docs/serving.md, "The model"). */
class CopyPhysicsTest {
  private final CopyPhysics llama = Physics.llama8bOnA10G();

  @Test
  void aPrefillIsComputeBoundAndGrowsWithThePromptAndItsSquare() {
    double p300 = llama.prefillMs(300, 300.0 * 300);
    double p3400 = llama.prefillMs(3400, 3400.0 * 3400);
    // 2 x 7.5 B FLOP-parameters x 550 tokens at 48 % of 125 TFLOPS, plus the step overhead.
    assertThat(llama.prefillMs(550, 550.0 * 550)).isCloseTo(139, within(2.0));
    assertThat(p3400 / p300)
        .as("linear in the prompt, plus attention's square")
        .isBetween(11.0, 13.5);
    double linearOnly = llama.prefillMs(3400, 0) - llama.efficiencies().stepOverheadMs();
    double withSquare = p3400 - llama.efficiencies().stepOverheadMs();
    assertThat(withSquare / linearOnly - 1)
        .as("attention's share at 3,400 tokens")
        .isBetween(0.05, 0.15);
  }

  @Test
  void aDecodeStepReadsTheWeightsOnceForTheWholeBatchAndEveryRequestsKvCache() {
    double one = llama.decodeStepMs(1, 600);
    double thirtyTwo = llama.decodeStepMs(32, 32 * 600);
    // 15.0 GB of weights (the input embedding is a lookup, not read whole) at 88 % of 600 GB/s.
    assertThat(one).isCloseTo(15.0e9 / (0.88 * 600e9) * 1000 + 1.42, within(0.5));
    // 32 x 600 tokens x 128 KiB of KV cache more: a batch of 32 costs little more than one request.
    assertThat(thirtyTwo - one)
        .isCloseTo(31 * 600 * llama.kvBytesPerToken() / (0.88 * 600e9) * 1000, within(0.3));
    assertThat(thirtyTwo / one).isBetween(1.1, 1.3);
    assertThat(llama.kvBytesPerToken()).isEqualTo(131_072);
  }

  @Test
  void tensorParallelismSplitsThePassAndPaysAnAllReducePerLayerMoreOverPcieThanNvlink() {
    CopyPhysics seventyOnA100 =
        Physics.of("meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 4);
    CopyPhysics seventyOnL40s =
        Physics.of("meta-llama/Meta-Llama-3-70B-Instruct", "ml.g6e.12xlarge", 4);
    // The same bytes a step on four GPUs, each its quarter.
    double perGpuBytes = seventyOnA100.weightBytesRead(1) / 4;
    assertThat(seventyOnA100.decodeStepMs(1, 0))
        .isGreaterThan(perGpuBytes / (0.88 * 1555e9) * 1000)
        .isLessThan(perGpuBytes / (0.88 * 1555e9) * 1000 + 5);
    // 160 all-reduces a step: latency-bound for one token, bandwidth-bound for a prompt.
    assertThat(seventyOnA100.allReduceMs(1)).isCloseTo(160 * 0.010, within(0.02));
    assertThat(seventyOnL40s.allReduceMs(1)).isCloseTo(160 * 0.025, within(0.15));
    assertThat(seventyOnL40s.allReduceMs(2000) / seventyOnA100.allReduceMs(2000)).isGreaterThan(5);
    assertThat(Physics.llama8bOnA10G().allReduceMs(2000)).isZero();
  }

  @Test
  void g5sAllReducesRunAtTheBusBandwidthMeasuredOnG5NotTheDatasheetsPcieLink() {
    // Llama 3 8B's prefill of 550 tokens over four A10Gs: 64 all-reduces of 550 x 4,096 x 2
    // bytes, each 2 x 3/4 of it at nccl-tests' 3.1 GB/s bus bandwidth, plus 25 us of latency.
    CopyPhysics llamaOnFourA10g = Physics.of(Physics.LLAMA3_8B, "ml.g5.12xlarge", 4);
    double message = 550 * 4096 * 2.0;
    assertThat(llamaOnFourA10g.allReduceMs(550))
        .isCloseTo(64 * (1.5 * message / 3.1e9 * 1000 + 0.025), within(0.01));
    // The L4 has no measurement: half its datasheet's 64 GB/s, ten times faster a byte.
    CopyPhysics llamaOnFourL4 = Physics.of(Physics.LLAMA3_8B, "ml.g6.12xlarge", 4);
    assertThat(llamaOnFourL4.allReduceMs(550))
        .isCloseTo(64 * (1.5 * message / 32e9 * 1000 + 0.025), within(0.01));
    // One token's all-reduce is mostly latency: a decode step's cost a seventh more, not ten times.
    assertThat(llamaOnFourA10g.allReduceMs(1) / llamaOnFourL4.allReduceMs(1)).isBetween(1.1, 1.2);
  }

  @Test
  void aMixtureOfExpertsReadsOnlyTheExpertsItsTokensAreRoutedTo() {
    CopyPhysics mixtral = Physics.of("mistralai/Mixtral-8x7B-Instruct-v0.1", "ml.p4de.24xlarge", 2);
    double one = mixtral.weightBytesRead(1);
    double many = mixtral.weightBytesRead(64);
    // One token: 2 of 8 experts (about 12.9 B parameters less the embedding); 64 tokens: all.
    assertThat(one / 2e9).isCloseTo(12.9 - 0.131, within(0.1));
    assertThat(many / 2e9).isCloseTo(46.7 - 0.131, within(0.2));
  }

  @Test
  void theKvCacheHoldsWhatTheMemoryLeftAfterTheWeightsHolds() {
    // 24 GiB less 1 GiB runtime less 16.06 GB of weights, 95 % of it at 128 KiB a token.
    assertThat(llama.kvCacheTokens(1.0))
        .isCloseTo((long) (0.95 * (23 * Math.pow(2, 30) - 16.06e9) / 131_072), within(5L));
    CopyPhysics seventyOnOneA100 =
        Physics.of("meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 1);
    assertThat(seventyOnOneA100.kvCacheTokens(1.0)).as("140 GB of weights on 40 GB").isZero();
  }
}

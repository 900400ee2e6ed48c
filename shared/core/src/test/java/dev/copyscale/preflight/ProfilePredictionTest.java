package dev.copyscale.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.HfConfig;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.preflight.ProfilePrediction.Input;
import dev.copyscale.serving.RequestShape;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code copyscale profile --predict} answers, on the bundled catalog. */
class ProfilePredictionTest {
  static final String LLAMA8B = "meta-llama/Meta-Llama-3-8B-Instruct";
  static final String LLAMA70B = "meta-llama/Meta-Llama-3-70B-Instruct";

  static ProfilePrediction.Result predict(
      String model, String instanceType, Integer gpus, Map<String, String> env, RequestShape s) {
    return ProfilePrediction.predict(
        new ProfilePrediction.Question(
            Catalog.bundled(),
            model,
            Optional.empty(),
            instanceType,
            Optional.ofNullable(gpus),
            env,
            s));
  }

  static ProfilePrediction.Prediction ok(ProfilePrediction.Result r) {
    assertThat(r.problems()).isEmpty();
    return r.prediction().orElseThrow();
  }

  static ProfilePrediction.Problem problem(ProfilePrediction.Result r) {
    assertThat(r.prediction()).isEmpty();
    assertThat(r.problems()).hasSize(1);
    return r.problems().get(0);
  }

  @Test
  void llama8bOnOneA10gIsDerivedOnOneGpuAndSetAgainstTheBundledMeasurement() {
    ProfilePrediction.Prediction p =
        ok(predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of(), RequestShape.BUNDLED_TABLE));
    assertThat(p.gpus()).isEqualTo(1);
    assertThat(p.gpusGiven()).isFalse();
    assertThat(p.model().provenance())
        .startsWith("derived from: model figures (catalog models.csv), GPU figures (NVIDIA A10");
    assertThat(p.warnings()).isEmpty();
    ProfilePrediction.Measured measured = p.measured().orElseThrow();
    assertThat(measured.table()).isEqualTo("llama3-8b-instruct-tgi-a10g.csv");
    assertThat(measured.figures()).hasSize(7 * 3);
    for (ProfilePrediction.Versus v : measured.figures()) {
      if (v.nominal() == 1) {
        assertThat(v.error()).as(v.figure()).isBetween(-0.15, 0.15);
      }
    }
    // The KV cache TGI sizes from the A10G's 24 GB after 16 GB of weights: 85 requests of the
    // bundled shape (736 tokens in 16-token blocks each).
    assertThat(p.capacity().tokensPerRequest()).isEqualTo(560 + 176);
    assertThat(p.capacity().kvCacheFromEnv()).isFalse();
    assertThat(p.capacity().requests()).isBetween(80L, 90L);
  }

  @Test
  void anotherRequestShapeHasNoMeasurementToCompare() {
    ProfilePrediction.Prediction p =
        ok(predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of(), new RequestShape(3400, 200)));
    assertThat(p.measured()).isEmpty();
    ProfilePrediction.Prediction shortPrompt =
        ok(predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of(), new RequestShape(300, 200)));
    // Prefill is compute-bound: a prompt 11 times longer takes clearly longer to its first token.
    assertThat(p.model().ttftMs(1)).isGreaterThan(5 * shortPrompt.model().ttftMs(1));
  }

  @Test
  void seventyBillionOnP4dTakesTheFewestA100sThatHoldItAndCrossesNoPcie() {
    ProfilePrediction.Prediction p =
        ok(predict(LLAMA70B, "ml.p4d.24xlarge", null, Map.of(), RequestShape.BUNDLED_TABLE));
    // 141 GB of bf16 weights: 2 x 40 GB cannot hold them, 4 x 40 GB can.
    assertThat(p.gpus()).isEqualTo(4);
    assertThat(p.tensorParallel().crossesPcie()).isFalse();
    assertThat(p.warnings()).isEmpty();
    assertThat(p.measured()).isEmpty();
    assertThat(p.model().rows().get(0).itlMs()).isBetween(15.0, 45.0);
  }

  @Test
  void tensorParallelismOverPcieIsWarnedAboutWithItsCost() {
    ProfilePrediction.Prediction p =
        ok(predict(LLAMA8B, "ml.g5.12xlarge", 4, Map.of(), RequestShape.BUNDLED_TABLE));
    assertThat(p.gpusGiven()).isTrue();
    assertThat(p.fewestGpus()).isEqualTo(1);
    assertThat(p.tensorParallel().decodeAllReduceMs()).isPositive();
    assertThat(p.warnings())
        .singleElement()
        .asString()
        .startsWith("tensor parallelism over PCIe: ml.g5.12xlarge has no NVLink")
        .contains("ms of each", "% of inter-token latency", "4 copies of one GPU each avoid it");
    // Over NVLink the same sharding is not warned about.
    assertThat(
            ok(predict(LLAMA8B, "ml.p4d.24xlarge", 4, Map.of(), RequestShape.BUNDLED_TABLE))
                .warnings())
        .isEmpty();
  }

  @Test
  void aModelFromItsOwnConfigJsonThatNeedsEveryGpuIsWarnedThatOnlyNvlinkAvoidsTheCost()
      throws IOException {
    ModelProfile yi;
    try (InputStream in =
        getClass()
            .getResourceAsStream("/dev/copyscale/serving/validation/Yi-1.5-34B-Chat.config.json")) {
      yi =
          HfConfig.read("", new ObjectMapper().readTree(in), "config.json (Yi)")
              .model()
              .orElseThrow();
    }
    ProfilePrediction.Prediction p =
        ok(
            ProfilePrediction.predict(
                new ProfilePrediction.Question(
                    Catalog.bundled(),
                    "01-ai/Yi-1.5-34B-Chat",
                    Optional.of(yi),
                    "ml.g5.12xlarge",
                    Optional.empty(),
                    Map.of(),
                    RequestShape.BUNDLED_TABLE)));
    assertThat(p.gpus()).isEqualTo(4);
    assertThat(p.modelSource()).isEqualTo("config.json (Yi)");
    assertThat(p.model().provenance()).contains("model figures (config.json (Yi))");
    assertThat(p.warnings()).singleElement().asString().contains("only an instance with NVLink");
  }

  /**
   * TGI 2.x sizes a flash-attention model's batch from the memory its warmup finds free and ignores
   * MAX_BATCH_TOTAL_TOKENS (router/src/server.rs): the tutorial's 8,192 does not cap the copy at 11
   * requests, and the prediction says so instead of counting with it.
   */
  @Test
  void maxBatchTotalTokensIsIgnoredAsTgiIgnoresItAndTheUserIsTold() {
    ProfilePrediction.Prediction tutorial =
        ok(
            predict(
                LLAMA8B,
                "ml.g5.2xlarge",
                null,
                Map.of("MAX_BATCH_TOTAL_TOKENS", "8192"),
                RequestShape.BUNDLED_TABLE));
    ProfilePrediction.Prediction plain =
        ok(predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of(), RequestShape.BUNDLED_TABLE));
    assertThat(tutorial.capacity()).isEqualTo(plain.capacity());
    assertThat(tutorial.capacity().kvCacheFromEnv()).isFalse();
    assertThat(tutorial.limits().maxBatchTotalTokens())
        .isEqualTo(plain.limits().maxBatchTotalTokens());
    assertThat(tutorial.warnings())
        .singleElement()
        .asString()
        .startsWith("MAX_BATCH_TOTAL_TOKENS 8192 is not what TGI uses")
        .contains("deprecated for Flash Attention models", "62,593 tokens");
    assertThat(plain.capacity().describe())
        .startsWith(
            "the KV cache holds 62,593 tokens (MAX_BATCH_TOTAL_TOKENS unset: TGI's default");
  }

  @Test
  void everyWrongAnswerNamesWhatWasGiven() {
    RequestShape s = RequestShape.BUNDLED_TABLE;
    assertThat(problem(predict("acme/unknown-7b", "ml.g5.2xlarge", null, Map.of(), s)))
        .extracting(ProfilePrediction.Problem::input)
        .isEqualTo(Input.MODEL);
    assertThat(problem(predict(LLAMA8B, "ml.g5.nope", null, Map.of(), s)).input())
        .isEqualTo(Input.INSTANCE_TYPE);
    ProfilePrediction.Problem three = problem(predict(LLAMA8B, "ml.g5.12xlarge", 3, Map.of(), s));
    assertThat(three.input()).isEqualTo(Input.GPUS);
    assertThat(three.message())
        .isEqualTo("3 does not divide ml.g5.12xlarge's 4 GPUs (a copy takes 1, 2 or 4 of them)");
    ProfilePrediction.Problem tooBig =
        problem(predict(LLAMA70B, "ml.g5.12xlarge", null, Map.of(), s));
    assertThat(tooBig.input()).isEqualTo(Input.INSTANCE_TYPE);
    assertThat(tooBig.message())
        .contains("does not fit ml.g5.12xlarge, even on all its 4 x NVIDIA A10G", "131.5 GiB");
    ProfilePrediction.Problem two = problem(predict(LLAMA70B, "ml.g5.48xlarge", 2, Map.of(), s));
    assertThat(two.input()).isEqualTo(Input.GPUS);
    assertThat(two.message()).contains("does not fit 2 x NVIDIA A10G", "it fits 8 GPUs per copy");
    // Every problem at once: the prompt is too long, and so is the whole request.
    assertThat(
            predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of(), new RequestShape(5000, 10))
                .problems())
        .extracting(ProfilePrediction.Problem::input)
        .containsExactly(Input.PROMPT_TOKENS, Input.OUTPUT_TOKENS);
    assertThat(
            problem(predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of(), new RequestShape(4000, 500)))
                .input())
        .isEqualTo(Input.OUTPUT_TOKENS);
    assertThat(
            problem(
                    predict(
                        LLAMA8B, "ml.g5.2xlarge", null, Map.of("MAX_BATCH_TOTAL_TOKENS", "x"), s))
                .message())
        .isEqualTo("MAX_BATCH_TOTAL_TOKENS must be a positive whole number, got x");
    assertThat(
            problem(predict(LLAMA8B, "ml.g5.2xlarge", null, Map.of("QUANTIZE", "magic"), s))
                .input())
        .isEqualTo(Input.ENV);
    // TGI will not start when the memory cannot hold one request of MAX_TOTAL_TOKENS.
    ProfilePrediction.Problem longest =
        problem(
            predict(
                LLAMA8B,
                "ml.g5.2xlarge",
                1,
                Map.of("MAX_TOTAL_TOKENS", "80000", "MAX_INPUT_LENGTH", "79000"),
                s));
    assertThat(longest.input()).isEqualTo(Input.GPUS);
    assertThat(longest.message()).contains("less than one request of MAX_TOTAL_TOKENS (80,000)");
  }

  @Test
  void quantizedWeightsLetASeventyBillionModelFitFewerGpus() {
    ProfilePrediction.Prediction awq =
        ok(
            predict(
                LLAMA70B,
                "ml.g5.12xlarge",
                null,
                Map.of("QUANTIZE", "awq"),
                RequestShape.BUNDLED_TABLE));
    // 35 GB of 4-bit weights: two A10Gs hold them with room for a full request.
    assertThat(awq.gpus()).isEqualTo(2);
  }
}

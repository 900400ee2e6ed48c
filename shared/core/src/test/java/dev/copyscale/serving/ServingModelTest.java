package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.spec.ServingQueries;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The value engine slo plans with, and where its figures come from. */
class ServingModelTest {
  static ServingModels.Resolution resolve(
      String model, String instanceType, int gpus, boolean bundledTablesWin) {
    return ServingModels.resolve(
        ServingQueries.query(
            Physics.CATALOG,
            model,
            Optional.empty(),
            "component.model",
            instanceType,
            gpus,
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            bundledTablesWin,
            Optional.empty()));
  }

  @Test
  void aDerivedTableRisesToThePeakTheGpusAllowAndSaysWhereItComesFrom() {
    ServingModel m = resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 1, false).model().orElseThrow();
    assertThat(m.source()).isEqualTo(ServingModel.Source.DERIVED);
    assertThat(m.provenance())
        .isEqualTo(
            "derived from: model figures (catalog models.csv), GPU figures (NVIDIA A10 datasheet;"
                + " AWS G5 page), calibration (bundled table llama3-8b-instruct-tgi-a10g.csv)");
    assertThat(m.shape()).isEqualTo(RequestShape.BUNDLED_TABLE);
    assertThat(m.ttftMs(1)).isCloseTo(140, within(3.0));
    assertThat(m.itlMs(1)).isCloseTo(29.6, within(1.0));
    for (int i = 1; i < m.rows().size(); i++) {
      assertThat(m.rows().get(i).itlMs()).isGreaterThan(m.rows().get(i - 1).itlMs());
    }
    assertThat(m.peakRequestsPerMinute()).isGreaterThan(m.requestsPerMinute(16));
    assertThat(m.efficiencies()).contains(Efficiencies.CALIBRATED);
  }

  @Test
  void aCopyShardedOverG5sPcieSaysItsAllReducesAreTheMeasuredOnes() {
    assertThat(resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 4, false).model().orElseThrow())
        .extracting(ServingModel::provenance)
        .asString()
        .endsWith(
            ", all-reduces (3.1 GB/s bus bandwidth measured by nccl-tests, catalog"
                + " accelerators.csv)");
    assertThat(resolve(Physics.LLAMA3_8B, "ml.g6.12xlarge", 4, false).model().orElseThrow())
        .extracting(ServingModel::provenance)
        .asString()
        .doesNotContain("all-reduces");
  }

  @Test
  void theBundledTableWinsForEngineSloAndNotForTheTwin() {
    ServingModel planned =
        resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 1, true).model().orElseThrow();
    assertThat(planned.source()).isEqualTo(ServingModel.Source.MEASURED);
    assertThat(planned.provenance()).isEqualTo("measured table llama3-8b-instruct-tgi-a10g.csv");
    assertThat(planned.requestsPerMinute(32)).isEqualTo(117.9);
    // Two GPUs a copy: the table was measured on one, so the model is derived.
    assertThat(resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 2, true).model().orElseThrow().source())
        .isEqualTo(ServingModel.Source.DERIVED);
    // Another request shape: the table's physics give way to the derived model, saying so.
    ServingModel longer = planned.at(new RequestShape(3400, 175));
    assertThat(longer.source()).isEqualTo(ServingModel.Source.DERIVED);
    assertThat(longer.provenance())
        .startsWith("derived for 3400 prompt / 175 output tokens (the measured table");
  }

  @Test
  void timeToFirstTokenGrowsWithThePromptAndTheCopyCarriesFewerRequests() {
    ServingModel m = resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 1, false).model().orElseThrow();
    ServingModel shortPrompts = m.at(new RequestShape(300, 175));
    ServingModel longPrompts = m.at(new RequestShape(3400, 175));
    assertThat(longPrompts.ttftMs(1) / shortPrompts.ttftMs(1)).isBetween(9.0, 14.0);
    assertThat(longPrompts.requestsPerMinute(8))
        .isLessThan(shortPrompts.requestsPerMinute(8) * 0.8);
  }

  @Test
  void theConcurrencyWithinAnObjectiveMeetsEveryObjectiveGiven() {
    ServingModel m = resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 1, false).model().orElseThrow();
    double byTtft = m.concurrencyWithin(2000, Double.NaN).orElseThrow();
    assertThat(m.ttftMs(byTtft)).isCloseTo(2000, within(1.0));
    double both = m.concurrencyWithin(2000, 40).orElseThrow();
    assertThat(both).isLessThan(byTtft);
    assertThat(m.itlMs(both)).isCloseTo(40, within(0.5));
    assertThat(m.concurrencyWithin(100, Double.NaN)).as("below one request alone").isEmpty();
  }

  @Test
  void hardwareDecidesTheFigures() {
    ServingModel seventy =
        resolve("meta-llama/Meta-Llama-3-70B-Instruct", "ml.p4d.24xlarge", 4, false)
            .model()
            .orElseThrow();
    ServingModel mistralOnL4 =
        resolve("mistralai/Mistral-7B-Instruct-v0.2", "ml.g6.12xlarge", 1, false)
            .model()
            .orElseThrow();
    ServingModel llamaOnA10g =
        resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 1, false).model().orElseThrow();
    // An L4 streams half an A10G's bandwidth: decode is slower for a model of about the same size.
    assertThat(mistralOnL4.itlMs(1)).isGreaterThan(llamaOnA10g.itlMs(1) * 1.6);
    // 70B on four A100s: 8.8 x the weights on 4 x 2.6 x the bandwidth each.
    assertThat(seventy.itlMs(1)).isBetween(llamaOnA10g.itlMs(1) * 0.6, llamaOnA10g.itlMs(1) * 1.2);
    assertThat(seventy.physics().orElseThrow().describe())
        .isEqualTo("meta-llama/Meta-Llama-3-70B-Instruct on 4 x NVIDIA A100 40 GB (NVLink)");
  }

  @Test
  void nothingIsServedAsAnotherModel() {
    ServingModels.Resolution unknown = resolve("my-org/finetune", "ml.g5.12xlarge", 1, true);
    assertThat(unknown.model()).isEmpty();
    assertThat(unknown.field()).isEqualTo("component.modelId");
    assertThat(unknown.problem())
        .contains("my-org/finetune is not in copyscale's catalog")
        .contains("component.model.config")
        .contains("--model-config FILE");
    ModelProfile memoryOnly =
        new ModelProfile("x", java.util.List.of(), 8, 32, 8, 128, "bfloat16", 8192, "", "spec");
    ServingModels.Resolution figures =
        ServingModels.resolve(
            ServingQueries.query(
                Physics.CATALOG,
                "x",
                Optional.of(memoryOnly),
                "component.model",
                "ml.g5.12xlarge",
                1,
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                false,
                Optional.empty()));
    assertThat(figures.field()).isEqualTo("component.model");
    assertThat(figures.problem())
        .contains("hiddenSize, attentionHeads, intermediateSize and vocabSize");
    ServingModels.Resolution noGpu = resolve(Physics.LLAMA3_8B, "ml.inf2.xlarge", 1, false);
    assertThat(noGpu.field()).isEqualTo("endpoint.instanceType");
  }

  @Test
  void aSpecsOwnTableWinsAndABadOneIsNamed() {
    String csv =
        "# ~600 input tokens, ~200 output tokens\n"
            + "concurrency,ttft_ms,output_tokens_per_s,inter_token_latency_ms,requests_per_minute\n"
            + "1,100,30,30,10\n"
            + "8,300,200,40,60\n";
    ServingModels.Resolution r =
        ServingModels.resolve(
            ServingQueries.query(
                Physics.CATALOG,
                Physics.LLAMA3_8B,
                Optional.empty(),
                "component.model",
                "ml.g5.12xlarge",
                1,
                Map.of(),
                Optional.empty(),
                Optional.of(new ServingQueries.Table(csv, "scaling.slo.servingProfile")),
                false,
                Optional.empty()));
    ServingModel m = r.model().orElseThrow();
    assertThat(m.source()).isEqualTo(ServingModel.Source.MEASURED);
    assertThat(m.provenance()).isEqualTo("measured table scaling.slo.servingProfile");
    assertThat(m.ttftMs(8)).isEqualTo(300);
    ServingModels.Resolution bad =
        ServingModels.resolve(
            ServingQueries.query(
                Physics.CATALOG,
                Physics.LLAMA3_8B,
                Optional.empty(),
                "component.model",
                "ml.g5.12xlarge",
                1,
                Map.of(),
                Optional.empty(),
                Optional.of(new ServingQueries.Table("nonsense", "scaling.slo.servingProfile")),
                false,
                Optional.empty()));
    assertThat(bad.field()).isEqualTo("scaling.slo.servingProfile");
  }

  @Test
  void anOnlineLearnerCorrectsTheEfficiencies() {
    ServingModel m = resolve(Physics.LLAMA3_8B, "ml.g5.12xlarge", 1, false).model().orElseThrow();
    ServingModel slower =
        m.withEfficiencies(new Efficiencies(0.24, 0.44, 1.42), "learnt from ModelLatency");
    assertThat(slower.itlMs(1)).isCloseTo(2 * m.itlMs(1) - 1.42, within(1.0));
    assertThat(slower.provenance()).isEqualTo("learnt from ModelLatency");
  }
}

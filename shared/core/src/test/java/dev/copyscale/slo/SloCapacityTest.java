package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.copyscale.serving.Quantile;
import dev.copyscale.serving.ServingModel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SloCapacityTest {
  private final SloCapacity cap = SloFixtures.capacity(SloFixtures.example());

  @Test
  void theTtftObjectiveGivesTheConcurrencyAtWhichTheProfileReachesIt() {
    // Between 32 (707.6 ms) and 64 (2,371.6 ms) in log2: 2^(5 + (2000 - 707.6) / 1664) = 54.8.
    assertThat(cap.objectiveConcurrency()).isCloseTo(54.8, within(0.1));
  }

  static SloCapacity example(String file) {
    return SloFixtures.capacity(
        dev.copyscale.spec.SpecParser.parse(
                dev.copyscale.testing.RepoFiles.read("examples/simulate/" + file))
            .orThrow());
  }

  @Test
  void aModelWithoutATableIsPlannedFromTheServingModelItsFiguresDerive() {
    SloCapacity big = example("models/slo-llama3-70b-p4d.yaml");
    SloCapacity mistral = example("models/slo-mistral-7b-g6-12xlarge.yaml");
    assertThat(cap.objective().model().source()).isEqualTo(ServingModel.Source.MEASURED);
    for (SloCapacity c : java.util.List.of(big, mistral)) {
      assertThat(c.objective().model().source()).isEqualTo(ServingModel.Source.DERIVED);
      assertThat(c.objective().model().provenance()).startsWith("derived from: model figures");
      assertThat(c.objectiveConcurrency()).isGreaterThan(1);
    }
    assertThat(big.profile().name()).contains("Meta-Llama-3-70B").contains("4 x");
    assertThat(big.copiesPerInstance()).isEqualTo(2);
    assertThat(mistral.copiesPerInstance()).isEqualTo(4);
    // With no MAX_BATCH_TOTAL_TOKENS, TGI's batch is what the weights leave of the GPUs' memory.
    assertThat(big.maxBatchTotalTokens())
        .isEqualTo(big.objective().model().limits().orElseThrow().maxBatchTotalTokens());
    assertThat(mistral.maxBatchTotalTokens())
        .isEqualTo(mistral.objective().model().limits().orElseThrow().maxBatchTotalTokens());
    // Each output token of the 70B reads 35 GB of weights per GPU at 1.5 TB/s; the 7B's 14.5 GB
    // at 300 GB/s: the L4 is the slower per token.
    assertThat(big.objective().model().itlMs(1)).isLessThan(mistral.objective().model().itlMs(1));
  }

  @Test
  void aTimePerOutputTokenObjectivePlansFewerRequestsPerCopy() {
    double itlAtTtftObjective = cap.objective().model().itlMs(cap.objectiveConcurrency());
    SloCapacity both =
        SloFixtures.capacity(
            SloFixtures.example(
                "slo: {ttft: 2s, attainment: 99%}",
                "slo: {ttft: 2s, itl: "
                    + Math.round(itlAtTtftObjective * 0.8)
                    + "ms, attainment: 99%}"));
    assertThat(both.objectiveConcurrency()).isLessThan(cap.objectiveConcurrency());
    assertThat(both.objective().model().itlMs(both.objectiveConcurrency()))
        .isCloseTo(itlAtTtftObjective * 0.8, within(itlAtTtftObjective * 0.05));
    assertThat(both.objective().describe())
        .isEqualTo("TTFT <= 2000 ms and ITL <= " + Math.round(itlAtTtftObjective * 0.8) + " ms");
  }

  @Test
  void largerRequestsReachTheObjectiveAtFewerRequestsInFlight() {
    for (SloCapacity c :
        java.util.List.of(
            cap,
            example("models/slo-llama3-70b-p4d.yaml"),
            example("models/slo-mistral-7b-g6-12xlarge.yaml"))) {
      double one = c.byWork().concurrency(1);
      // The attainment's requests of the spread reach it no later than the mean request does.
      assertThat(one).isLessThanOrEqualTo(c.objectiveConcurrency());
      // Within a step of the model's own size: the same figure.
      assertThat(c.byWork().concurrency(1.02)).isEqualTo(one);
      assertThat(c.byWork().concurrency(2)).isLessThan(one);
      assertThat(c.byWork().concurrency(4)).isLessThan(c.byWork().concurrency(2));
      assertThat(c.byWork().concurrency(0.5)).isGreaterThanOrEqualTo(one);
    }
  }

  @Test
  void eachCopyIsPlannedSoTheAttainmentsRequestsMeetTheObjectiveNotTheMeanOne() {
    SloCapacity mistral = example("models/slo-mistral-7b-g6-12xlarge.yaml");
    ServingModel model = mistral.objective().model();
    int planned = (int) mistral.perCopy(1);
    assertThat(mistral.plansTail()).isTrue();
    assertThat(mistral.sizes()).isEqualTo(dev.copyscale.serving.RequestSizes.DEFAULT);
    // Far below where the mean request reaches 2 s (65.3): the long prompts' prefills.
    assertThat(planned).isLessThan((int) (mistral.objectiveConcurrency() / 2));
    // At the plan, 99 % of requests of the spread get their first token within 2 s; one more
    // request in flight on the copy and they do not.
    assertThat(tail(mistral, planned).ttftMs()).isLessThanOrEqualTo(2000);
    assertThat(tail(mistral, planned + 1).ttftMs()).isGreaterThan(2000);
    assertThat(model.source()).isEqualTo(ServingModel.Source.DERIVED);
  }

  private static dev.copyscale.serving.ClosedLoop.Tail tail(SloCapacity c, int clients) {
    ServingModel model = c.objective().model();
    return dev.copyscale.serving.ClosedLoop.tail(
        model.physics().orElseThrow(),
        model.limits().orElseThrow(),
        model.shape(),
        c.sizes(),
        clients,
        c.slo().attainment());
  }

  @Test
  void anObjectiveTheTailMissesEvenAloneIsPlannedAtOneRequestAndSaidSo() {
    // 300 ms is above what the table's 550-token request takes alone (139 ms), so the spec is
    // valid; but the 99th-percentile prompt of the spread (about 1,900 tokens) takes longer than
    // that to prefill on an A10G, even alone.
    SloCapacity tight =
        SloFixtures.capacity(
            SloFixtures.example(
                "slo: {ttft: 2s, attainment: 99%}", "slo: {ttft: 300ms, attainment: 99%}"));
    assertThat(tight.objectiveConcurrency()).isGreaterThan(1);
    assertThat(tight.tailUnreachable(1)).isTrue();
    assertThat(tight.perCopy(1)).isEqualTo(1);
    assertThat(SloReason.objective(tight, 1))
        .endsWith(
            "; those requests miss it even alone on a copy, so no number of copies meets it)");
    assertThat(cap.tailUnreachable(1)).isFalse();
    assertThat(SloReason.objective(cap, 1))
        .isEqualTo(
            "TTFT <= 2000 ms at 99% of requests (99th-percentile prompt 4.1x and output 4.7x the"
                + " median)");
  }

  @Test
  void aHeavierTailOrAHigherAttainmentPlansFewerRequestsACopy() {
    String objective = "slo: {ttft: 2s, attainment: 99%}";
    SloCapacity alike =
        SloFixtures.capacity(
            SloFixtures.example(objective, "slo: {ttft: 2s, attainment: 99%, requestTail: 1}"));
    SloCapacity heavy =
        SloFixtures.capacity(
            SloFixtures.example(objective, "slo: {ttft: 2s, attainment: 99%, requestTail: 8}"));
    SloCapacity looser =
        SloFixtures.capacity(SloFixtures.example(objective, "slo: {ttft: 2s, attainment: 90%}"));
    SloCapacity stricter =
        SloFixtures.capacity(SloFixtures.example(objective, "slo: {ttft: 2s, attainment: 99.9%}"));
    assertThat(alike.perCopy(1)).isGreaterThan(cap.perCopy(1));
    assertThat(heavy.perCopy(1)).isLessThan(cap.perCopy(1));
    assertThat(looser.perCopy(1)).isGreaterThan(cap.perCopy(1));
    assertThat(stricter.perCopy(1)).isLessThan(cap.perCopy(1));
    // Never more than the measured table's mean request carries.
    for (SloCapacity c : java.util.List.of(alike, heavy, looser, stricter, cap)) {
      assertThat(c.perCopy(1)).isLessThanOrEqualTo(c.objectiveConcurrency());
    }
  }

  @Test
  void aCopyCarriesTheLowerOfTheObjectivesConcurrencyAndTgisTokenBudget() {
    // TGI sizes the batch from the A10G's memory (the example's MAX_BATCH_TOTAL_TOKENS 32,768 is
    // ignored, as TGI 2.x ignores it for flash-attention models): 62,593 tokens hold 86 of the
    // profile's ~550 + ~175-token requests, more than the objective's 54.8 for the mean request.
    assertThat(cap.maxBatchTotalTokens()).isEqualTo(62_593);
    assertThat(cap.perCopy(1)).isCloseTo(cap.byWork().concurrency(1), within(1e-9));
    // Requests of four times the size reach 2 s to the first token sooner than the tokens run out.
    assertThat(cap.perCopy(4)).isLessThan(62_593 / (725.0 * 4));
    // Either may bind: the objective's concurrency moves with the request size too.
    for (double work : new double[] {0.25, 0.5, 2, 4}) {
      assertThat(cap.perCopy(work))
          .isCloseTo(
              Math.max(1, Math.min(cap.byWork().concurrency(work), 62_593 / (725.0 * work))),
              within(1e-9));
    }
  }

  @Test
  void anExpertsHeadroomPlansEachCopyBelowWhatItCarries() {
    SloCapacity spare =
        SloFixtures.capacity(
            SloFixtures.example(
                "slo: {ttft: 2s, attainment: 99%}",
                "slo: {ttft: 2s, attainment: 99%, headroom: 25%}"));
    assertThat(spare.perCopy(1)).isCloseTo(cap.perCopy(1) / 1.25, within(1e-9));
  }

  @Test
  void headroomFollowsThePoissonSpreadOfRequestsInFlight() {
    assertThat(Quantile.normal(0.99)).isCloseTo(2.3263, within(1e-4));
    assertThat(Quantile.normal(0.5)).isCloseTo(0, within(1e-9));
    assertThat(Quantile.normal(0.001)).isCloseTo(-3.0902, within(1e-4));
    // 100 in flight: 100 + 2.33 * 10 = 123.3, at 24 per copy 6 copies.
    assertThat(cap.copiesFor(100, 24)).isEqualTo(6);
    assertThat(cap.copiesFor(0, 24)).isZero();
    // A peak the copies counted carries its randomness already.
    assertThat(cap.copiesForPeak(100, 24)).isEqualTo(5);
  }

  @Test
  void copiesFillWholeInstances() {
    assertThat(cap.copiesPerInstance()).isEqualTo(4);
    assertThat(cap.instancesFor(5)).isEqualTo(2);
    assertThat(cap.instancesFor(8)).isEqualTo(2);
  }

  @Test
  void leadTimeIsANewInstancesStartUpForTheModelsWeights() {
    // 8.03 B parameters in bfloat16: 16.06 GB; 134 s + 16.06 / 0.213 + 16.06 * 2.9 + 60 s.
    double expected = 134 + 16.06 / 0.213 + 16.06 * 2.9 + 60;
    assertThat((double) cap.leadTime().toSeconds()).isCloseTo(expected, within(1.0));
    SloCapacity set =
        SloFixtures.capacity(
            SloFixtures.example(
                "slo: {ttft: 2s, attainment: 99%}",
                "slo: {ttft: 2s, attainment: 99%, leadTime: 9m}"));
    assertThat(set.leadTime()).isEqualTo(Duration.ofMinutes(9));
  }
}

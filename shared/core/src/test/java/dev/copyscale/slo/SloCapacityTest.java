package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SloCapacityTest {
  private final SloCapacity cap = SloFixtures.capacity(SloFixtures.example());

  @Test
  void theTtftObjectiveGivesTheConcurrencyAtWhichTheProfileReachesIt() {
    // Between 32 (707.6 ms) and 64 (2,371.6 ms) in log2: 2^(5 + (2000 - 707.6) / 1664) = 54.8.
    assertThat(cap.ttftConcurrency()).isCloseTo(54.8, within(0.1));
  }

  @Test
  void aCopyCarriesTheLowerOfTheObjectivesConcurrencyAndTgisTokenBudget() {
    // 32,768 tokens for the profile's ~550 + ~175-token requests: 45.2 at once.
    assertThat(cap.perCopy(1)).isCloseTo(32768 / 725.0, within(1e-9));
    assertThat(cap.perCopy(2)).isCloseTo(32768 / 1450.0, within(1e-9));
    // Small requests: the objective binds.
    assertThat(cap.perCopy(0.25)).isCloseTo(cap.ttftConcurrency(), within(1e-9));
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

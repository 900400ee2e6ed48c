package dev.copyscale.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.frontier.SearchFamily.Candidate;
import dev.copyscale.frontier.SearchFamily.Endpoint;
import dev.copyscale.spec.AdjustmentType;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.spec.SpecResult;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchFamilyTest {
  static final Instant START = Instant.parse("2023-11-16T18:15:00Z");

  static ObjectNode bundledEndpoint() {
    return (ObjectNode) SpecParser.toTree(RepoFiles.read("examples/simulate/slo.yaml"));
  }

  @Test
  void readsTheEndpointAsEngineSloWould() {
    Endpoint e = SearchFamily.endpoint(bundledEndpoint(), 2000, Catalog.bundled());
    // ml.g5.12xlarge: 4 A10Gs, a copy takes one; managed instance scaling up to 3.
    assertThat(e.copiesPerInstance()).isEqualTo(4);
    assertThat(e.maxInstances()).isEqualTo(3);
    assertThat(e.maxCopies()).isEqualTo(12);
    assertThat(e.objectiveConcurrency()).isGreaterThan(1);
    // Llama 3 8B's 16 GB: about 5 minutes to start a new instance, plus a minute for the metrics.
    assertThat(e.leadMinutes()).isBetween(5, 7);
    // A looser objective lets a copy carry more at once.
    assertThat(
            SearchFamily.endpoint(bundledEndpoint(), 6000, Catalog.bundled())
                .objectiveConcurrency())
        .isGreaterThan(e.objectiveConcurrency());
  }

  @Test
  void refusesAnObjectiveTheModelCannotReachNamingTheField() {
    assertThatThrownBy(() -> SearchFamily.endpoint(bundledEndpoint(), 1, Catalog.bundled()))
        .hasMessageContaining("scaling.slo.ttft");
  }

  @Test
  void everyReactiveSpecPassesValidationWithItsOwnNames() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    List<Candidate> steps = SearchFamily.steps(e, 1000);
    // (minimum, maximum) in {0, 4} x {12, 8} and (8, 12) (8 to 8 leaves no room), x thresholds
    // {10, 16} x datapoints {1, 3} x steps {1, 4} x idle {6, 18} minutes; steps of 50 % (at least
    // 4) only where they ask something a step of 4 does not: from 0 or 4 to 12, and from 0 to 8.
    assertThat(steps).hasSize(5 * 2 * 2 * 2 * 2 + 3 * 2 * 2 * 2);
    assertThat(steps)
        .filteredOn(c -> c.name().contains("pct"))
        .extracting(
            c -> c.scaling().get("minCopies").asInt() + "-" + c.scaling().get("maxCopies").asInt())
        .containsOnly("0-12", "4-12", "0-8");
    assertThat(steps)
        .extracting(
            c -> c.scaling().get("minCopies").asInt() + "-" + c.scaling().get("maxCopies").asInt())
        .containsOnly("0-12", "0-8", "4-12", "4-8", "8-12");
    List<Candidate> tracking = SearchFamily.targetTracking(e, 1000);
    // (minimum, maximum) in {1, 4} x {12, 8} and (8, 12), x targets {10, 16} x cooldowns {60, 300}.
    assertThat(tracking).hasSize(5 * 2 * 2);
    List<Candidate> family = SearchFamily.reactive(e, 1000);
    assertThat(family).hasSize(steps.size() + tracking.size());
    assertThat(family).allMatch(c -> c.kind() == SearchFamily.Kind.REACTIVE);
    assertValid(family, e);
    DeploymentSpec first = parse(family.get(0).document(bundledEndpoint(), 4));
    assertThat(first.scaling().minCapacity()).isZero();
    assertThat(first.scaling().stepPolicies())
        .extracting(DeploymentSpec.StepPolicy::name)
        .containsExactly("out", "in", "from-zero");
    assertThat(first.endpoint().managedInstanceScaling().minInstances()).isZero();
    assertThat(first.endpoint().managedInstanceScaling().maxInstances()).isEqualTo(3);
    assertThat(first.component().copies()).isEqualTo(1);
  }

  @Test
  void percentageStepsScaleByHalfTheCopiesInServiceAndAtLeastAnInstancesWorth() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    Candidate c =
        SearchFamily.steps(e, 1000).stream()
            .filter(s -> s.name().equals("step-min4-max12-at10-e1-pct50-idle6"))
            .findFirst()
            .orElseThrow();
    DeploymentSpec spec = parse(c.document(bundledEndpoint(), 4));
    DeploymentSpec.StepPolicy out = spec.scaling().stepPolicies().get(0);
    assertThat(out.adjustmentType()).isEqualTo(AdjustmentType.PERCENT_CHANGE_IN_CAPACITY);
    assertThat(out.minAdjustmentMagnitude()).contains(4);
    assertThat(out.steps()).extracting(DeploymentSpec.Step::adjustment).containsExactly(50, 100);
    DeploymentSpec.StepPolicy in = spec.scaling().stepPolicies().get(1);
    assertThat(in.adjustmentType()).isEqualTo(AdjustmentType.PERCENT_CHANGE_IN_CAPACITY);
    assertThat(in.minAdjustmentMagnitude()).contains(4);
    assertThat(in.steps()).extracting(DeploymentSpec.Step::adjustment).containsExactly(-50);
    // From zero a percentage is nothing: the step back is an instance's copies.
    Candidate fromZero =
        SearchFamily.steps(e, 1000).stream()
            .filter(s -> s.name().equals("step-min0-max12-at10-e1-pct50-idle6"))
            .findFirst()
            .orElseThrow();
    DeploymentSpec zero = parse(fromZero.document(bundledEndpoint(), 4));
    assertThat(zero.scaling().stepPolicies().get(2).adjustmentType())
        .isEqualTo(AdjustmentType.CHANGE_IN_CAPACITY);
    assertThat(zero.scaling().stepPolicies().get(2).steps().get(0).adjustment()).isEqualTo(4);
  }

  @Test
  void aPercentageStepIsSearchedOnlyWhereItAsksWhatNoFixedStepAsks() {
    SearchFamily.StepSize half = new SearchFamily.StepSize(4, true);
    // 4 to 8 copies: 50 % of at most 8 is at most 4, and 100 % from 4 reaches 8 as 8 more would.
    assertThat(SearchFamily.coincides(half, 4, 8)).isTrue();
    // 4 to 12: from 10 copies 50 % asks 5, not 4.
    assertThat(SearchFamily.coincides(half, 4, 12)).isFalse();
    // 0 to 8: from 1 copy 100 % asks the least, 4, where a double step asks 8.
    assertThat(SearchFamily.coincides(half, 0, 8)).isFalse();
  }

  @Test
  void targetTrackingTracksTheStepThresholdsOnTheHighResolutionConcurrencyUnderEngineNative() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    List<Candidate> tracking = SearchFamily.targetTracking(e, 1000);
    assertThat(tracking).allMatch(c -> c.name().startsWith("tt-"));
    for (Candidate c : tracking) {
      DeploymentSpec spec = parse(c.document(bundledEndpoint(), 4));
      assertThat(spec.scaling().engine()).isEqualTo(DeploymentSpec.Engine.NATIVE);
      assertThat(spec.scaling().stepPolicies()).isEmpty();
      DeploymentSpec.TargetTracking tt = spec.scaling().targetTracking().orElseThrow();
      assertThat(tt.metric())
          .isEqualTo("SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution");
      assertThat(tt.scaleInCooldownSeconds()).isEqualTo(300);
      // Target tracking never scales from zero: it holds at least a copy, and starts with it.
      assertThat(spec.scaling().minCapacity()).isPositive();
      assertThat(spec.component().copies()).isEqualTo(spec.scaling().minCapacity());
      assertThat(spec.endpoint().managedInstanceScaling().minInstances()).isPositive();
    }
    assertThat(tracking)
        .extracting(c -> c.scaling().get("targetTracking").get("target").asInt())
        .containsOnly(10, 16);
    assertThat(tracking)
        .extracting(c -> c.scaling().get("targetTracking").get("scaleOutCooldownSeconds").asInt())
        .containsOnly(60, 300);
    assertThat(tracking)
        .extracting(c -> c.scaling().get("minCopies").asInt())
        .containsOnly(1, 4, 8);
  }

  @Test
  void thresholdsAreSharesOfWhatACopyServesAtOnceForTheTracesRequests() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    // Small requests: the objective's 20 in flight; large ones: the 32,768-token batch holds 16.
    assertThat(SearchFamily.copyConcurrency(e, 1000)).isEqualTo(20);
    assertThat(SearchFamily.copyConcurrency(e, 2048)).isEqualTo(16);
    assertThat(SearchFamily.copyConcurrency(e, 100_000)).isEqualTo(1);
    assertThat(SearchFamily.steps(e, 2048))
        .extracting(
            c -> c.scaling().get("stepPolicies").get(0).get("alarm").get("threshold").asInt())
        .containsOnly(8, 13);
    assertThat(SearchFamily.targetTracking(e, 2048))
        .extracting(c -> c.scaling().get("targetTracking").get("target").asInt())
        .containsOnly(8, 13);
    assertThatThrownBy(() -> SearchFamily.copyConcurrency(e, 0)).hasMessageContaining("tokens");
  }

  @Test
  void coincidingDimensionsAreSearchedOnce() {
    // One copy per instance, one instance: an instance's worth and half the instances' are one
    // copy (which leaves no room to scale: only the minimum 0 is searched), and the steps coincide.
    List<Candidate> family = SearchFamily.reactive(new Endpoint(1, 1, 1, 20, 6, 32768), 1000);
    // From 0 to 1 copy a 50 % step asks what a step of one does; target tracking holds at least
    // the one copy there is, which leaves it no room.
    assertThat(family).hasSize(1 * 1 * 2 * 2 * 1 * 2);
    assertThat(family).noneMatch(c -> c.scaling().has("targetTracking"));
    assertThat(family).noneMatch(c -> c.name().contains("pct"));
    // One copy an instance and more of them: 50 % steps (no least magnitude: one copy is AAS's
    // least anyway) differ from steps of one from 4 copies on.
    List<Candidate> wide = SearchFamily.steps(new Endpoint(1, 8, 8, 20, 6, 32768), 1000);
    assertThat(wide).anyMatch(c -> c.name().contains("pct"));
    assertThat(wide)
        .filteredOn(c -> c.name().contains("pct"))
        .allMatch(c -> !c.scaling().get("stepPolicies").get(0).has("minAdjustmentMagnitude"));
    assertValid(family, new Endpoint(1, 1, 1, 20, 6, 32768));
  }

  @Test
  void everyClairvoyantScheduleOnTheBundledEndpointPassesValidation() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    long[] perMinute = new long[60];
    for (int m = 0; m < 60; m++) {
      perMinute[m] = m < 20 ? 60 : 600;
    }
    List<Candidate> family = SearchFamily.clairvoyant(e, perMinute, START, 2.5);
    // Blocks of one and three lead times and the whole hour, five safety factors each.
    assertThat(family).hasSize(3 * 5);
    assertValid(family, e);
    DeploymentSpec spec = parse(family.get(0).document(bundledEndpoint(), 4));
    assertThat(spec.scaling().schedules()).isNotEmpty();
    assertThat(spec.scaling().schedules().get(0).cron()).contains("2023");
  }

  @Test
  void capacityIsBoughtALeadTimeAheadAndKeptToItsBlocksEnd() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    long[] perMinute = new long[30];
    // Minutes 20-29 need 600 a minute: 10 a second, 4 copies at 2.5 a second each.
    for (int m = 20; m < 30; m++) {
      perMinute[m] = 600;
    }
    perMinute[3] = 150; // one copy's worth: 2.5 a second
    int[] levels = SearchFamily.levels(perMinute, 2.5, 1, 10, e);
    // Blocks of 10 min: 1, 1, 4 copies; the last block's 4 from minute 20 - 6 = 14 on.
    assertThat(levels[13]).isEqualTo(1);
    assertThat(levels[14]).isEqualTo(4);
    assertThat(levels[29]).isEqualTo(4);
    assertThat(levels[0]).isEqualTo(1);
    int[] safer = SearchFamily.levels(perMinute, 2.5, 2, 10, e);
    assertThat(safer[29]).isEqualTo(8);
    // Never more than the endpoint holds.
    assertThat(SearchFamily.levels(perMinute, 2.5, 10, 10, e)[29]).isEqualTo(12);
  }

  @Test
  void aLongTraceGetsLongerBlocksSoSchedulesStayFew() {
    Endpoint e = new Endpoint(4, 3, 12, 20, 6, 32768);
    long[] week = new long[7 * 24 * 60];
    for (int m = 0; m < week.length; m++) {
      week[m] = (m / 60) % 2 == 0 ? 600 : 60;
    }
    for (Candidate c : SearchFamily.clairvoyant(e, week, START, 2.5)) {
      assertThat(c.scaling().get("schedules").size())
          .isLessThanOrEqualTo(2 * SearchFamily.MAX_BLOCKS);
    }
  }

  private static void assertValid(List<Candidate> family, Endpoint e) {
    var names = new HashSet<String>();
    List<String> problems = new ArrayList<>();
    for (Candidate c : family) {
      assertThat(c.name().length()).isLessThanOrEqualTo(40);
      assertThat(names.add(c.name())).as("unique name " + c.name()).isTrue();
      JsonNode doc = c.document(bundledEndpoint(), e.copiesPerInstance());
      SpecResult r = SpecParser.parse(doc);
      r.problems().forEach(p -> problems.add(c.name() + ": " + p));
    }
    assertThat(problems).isEmpty();
  }

  private static DeploymentSpec parse(JsonNode doc) {
    return SpecParser.parse(doc).orThrow();
  }
}

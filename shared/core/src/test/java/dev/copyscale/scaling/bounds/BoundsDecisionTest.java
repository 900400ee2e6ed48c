package dev.copyscale.scaling.bounds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Bounds a schedule or an operator sets, on the orchestrated example (4 copies per ml.g5.12xlarge,
 * copyscale manages instances, at most 2).
 */
class BoundsDecisionTest {
  static final Instant NOW = Instant.parse("2026-11-25T18:00:00Z");

  static DeploymentSpec spec(String from, String to) {
    return SpecParser.parse(
            RepoFiles.read("examples/llama3-8b-orchestrated.yaml").replace(from, to))
        .orThrow();
  }

  final DeploymentSpec spec = spec("dryRun: false", "dryRun: false");
  final ScalingTarget target = ScalingTarget.of(spec, Catalog.bundled());

  static LiveCapacity live(int copies, int min, int max, int instances) {
    return new LiveCapacity(copies, min, max, instances, Optional.of("InService"), "InService");
  }

  static BoundsRequest window(int min, int max) {
    Bounds b = new Bounds(min, max);
    return new BoundsRequest(
        b,
        WakeUp.delivered("schedule#k", Source.SCHEDULE, "schedule nights", b.toString()),
        "window nights",
        Optional.empty());
  }

  Decision decide(ScalingTarget target, BoundsRequest request, LiveCapacity live) {
    return BoundsDecision.decide(
        new BoundsDecision.Inputs(target, request, TargetState.initial(spec.name()), live, NOW));
  }

  @Test
  void theCountMovesIntoTheNewBoundsAtOnceAndTheBoundsAreWritten() {
    Decision d = decide(target, window(0, 1), live(4, 1, 8, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.entry().from()).isEqualTo(4);
    assertThat(d.entry().to()).isEqualTo(1);
    assertThat(d.entry().limitedBy()).containsExactly("maxCapacity 1");
    assertThat(d.entry().state()).isEqualTo("[0, 1]");
    assertThat(d.entry().source()).isEqualTo(Source.SCHEDULE);
    assertThat(d.entry().reason())
        .isEqualTo("window nights: bounds [1, 8] -> [0, 1], copies 4 -> 1");
    assertThat(d.bounds()).contains(new Bounds(0, 1));
    assertThat(d.startsChange()).isTrue();
    // A schedule is no trigger: it starts no cooldown.
    assertThat(d.next().cooldowns()).isEqualTo(Cooldowns.NONE);
  }

  @Test
  void aPinnedWindowIsNamedAsTheWindowAndRaisesTheInstancesItsCopiesNeed() {
    Decision d = decide(target, window(6, 6), live(2, 0, 8, 1));
    assertThat(d.entry().to()).isEqualTo(6);
    assertThat(d.entry().limitedBy()).containsExactly("window [6, 6]");
    assertThat(d.entry().reason()).endsWith("copies 2 -> 6, instances 1 -> 2");
    assertThat(d.next().intent().orElseThrow().instances()).contains(2);
  }

  @Test
  void boundsThatOnlyMoveAreWrittenWithoutAChangeOfCount() {
    Decision d = decide(target, window(1, 6), live(4, 0, 8, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.bounds()).contains(new Bounds(1, 6));
    assertThat(d.startsChange()).isFalse();
    assertThat(d.committed().outcome()).isEqualTo(Outcome.SCALED);
  }

  @Test
  void boundsAlreadyInForceChangeNothing() {
    Decision d = decide(target, window(0, 8), live(4, 0, 8, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(d.bounds()).isEmpty();
    assertThat(d.next().intent()).isEmpty();
  }

  @Test
  void theInstanceGuardrailHoldsTheCopiesItsInstancesFit() {
    Decision d = decide(target, window(12, 12), live(4, 0, 8, 1));
    assertThat(d.entry().to()).isEqualTo(8);
    assertThat(d.entry().limitedBy())
        .contains("guardrails.maxInstances 2 (2 instances hold 8 copies)");
  }

  @Test
  void anOverrideIsKeptInTheTargetState() {
    BoundsOverride held = new BoundsOverride(2, 2, NOW, NOW.plusSeconds(3600), "launch");
    Bounds b = new Bounds(2, 2);
    BoundsRequest override =
        new BoundsRequest(
            b,
            WakeUp.delivered("override#k", Source.OVERRIDE, "override", b.toString()),
            "override [2, 2]",
            Optional.of(held));
    Decision d = decide(target, override, live(4, 0, 8, 1));
    assertThat(d.next().override()).contains(held);
    assertThat(d.entry().source()).isEqualTo(Source.OVERRIDE);
  }

  @Test
  void aDryRunWritesNeitherBoundsNorCount() {
    ScalingTarget dry = ScalingTarget.of(spec("dryRun: false", "dryRun: true"), Catalog.bundled());
    Decision d = decide(dry, window(0, 1), live(4, 1, 8, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.DRY_RUN);
    assertThat(d.entry().reason()).endsWith("(dry run, nothing written)");
    assertThat(d.bounds()).isEmpty();
    assertThat(d.startsChange()).isFalse();
  }
}

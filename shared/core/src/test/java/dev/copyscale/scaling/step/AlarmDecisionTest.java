package dev.copyscale.scaling.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.AlarmState;
import dev.copyscale.scaling.event.Delivery;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The step-scaling function's decision for one alarm evaluation, on the orchestrated example
 * (burst: breach 8 or more adds 4 copies; copies per ml.g5.12xlarge: 4; at most 2 instances).
 */
class AlarmDecisionTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final String BURST = "copyscale-llama3-chat-burst";

  static DeploymentSpec spec(String from, String to) {
    return SpecParser.parse(
            RepoFiles.read("examples/llama3-8b-orchestrated.yaml").replace(from, to))
        .orThrow();
  }

  final DeploymentSpec spec = spec("dryRun: false", "dryRun: false");
  final ScalingTarget target = ScalingTarget.of(spec, Catalog.bundled());
  final StepPolicy burst = policy(spec, "burst");

  static StepPolicy policy(DeploymentSpec spec, String name) {
    return spec.scaling().stepPolicies().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static AlarmEvent event(AlarmState state, Instant changed, Delivery delivery) {
    return new AlarmEvent(
        BURST, state, changed, "", List.of(16.0), Optional.of(8.0), "eventbridge#1", delivery);
  }

  static LiveCapacity live(int copies, int instances) {
    return new LiveCapacity(copies, 0, 8, instances, Optional.of("InService"), "InService", copies);
  }

  Decision decide(
      ScalingTarget target,
      StepPolicy policy,
      AlarmEvent event,
      Optional<Double> metric,
      TargetState state,
      LiveCapacity live) {
    return AlarmDecision.decide(
        new AlarmDecision.Inputs(target, policy, event, metric, state, live, NOW));
  }

  Decision burst(double metric, TargetState state, LiveCapacity live) {
    return decide(
        target,
        burst,
        event(AlarmState.ALARM, NOW, Delivery.EVENTBRIDGE),
        Optional.of(metric),
        state,
        live);
  }

  @Test
  void aBreachOfEightAddsFourCopiesAndTheInstanceTheyNeed() {
    Decision d = burst(16, TargetState.initial(spec.name()), live(2, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.entry().from()).isEqualTo(2);
    assertThat(d.entry().to()).isEqualTo(6);
    assertThat(d.entry().source()).isEqualTo(Source.ALARM);
    assertThat(d.entry().trigger()).isEqualTo(BURST);
    assertThat(d.entry().policy()).contains("burst");
    assertThat(d.entry().threshold()).contains(8.0);
    assertThat(d.entry().metricValue()).contains(16.0);
    assertThat(d.entry().step()).contains(1);
    assertThat(d.entry().reason())
        .isEqualTo(
            "step 1 (breach 8): capacity 2 -> 6; instances 1 -> 2 (4 copies each, managed"
                + " instance scaling off)");
    assertThat(d.instances()).hasValueSatisfying(p -> assertThat(p.to()).isEqualTo(2));
    CapacityIntent intent = d.next().intent().orElseThrow();
    assertThat(intent.capacity()).isEqualTo(6);
    assertThat(intent.instances()).contains(2);
    assertThat(intent.cooldownsBefore()).contains(Cooldowns.NONE);
    assertThat(d.next().cooldowns().lastScaleOut()).isPresent();
    assertThat(d.next().newestAlarmState()).isEqualTo(Map.of(BURST, NOW));
    assertThat(d.startsChange()).isTrue();
    assertThat(d.committed().outcome()).isEqualTo(Outcome.PENDING);
  }

  @Test
  void whatIsAlreadyAskedForCountsAsTheCapacity() {
    TargetState asked =
        TargetState.initial(spec.name())
            .withIntent(
                Optional.of(
                    new CapacityIntent(
                        6,
                        Optional.of(2),
                        burst(16, TargetState.initial(spec.name()), live(2, 1)).entry())));
    Decision d = burst(16, asked, live(2, 1));
    // 6 asked for, + 4 = 10, beyond the 8 copies two instances hold: 8.
    assertThat(d.entry().from()).isEqualTo(6);
    assertThat(d.entry().to()).isEqualTo(8);
    assertThat(d.entry().limitedBy()).contains("maxCapacity 8");
  }

  @Test
  void theInstanceGuardrailHoldsTheCopiesItsInstancesFit() {
    ScalingTarget oneInstance =
        ScalingTarget.of(spec("maxInstances: 2", "maxInstances: 1"), Catalog.bundled());
    Decision d =
        decide(
            oneInstance,
            burst,
            event(AlarmState.ALARM, NOW, Delivery.EVENTBRIDGE),
            Optional.of(16.0),
            TargetState.initial(spec.name()),
            live(2, 1));
    assertThat(d.entry().to()).isEqualTo(4);
    assertThat(d.entry().limitedBy()).contains("guardrails.maxInstances 1");
    assertThat(d.entry().reason()).contains("1 instances hold 4 copies");
  }

  @Test
  void scalingInstancesTheGuardrailIsNamedAsTheSpecSpellsIt() {
    DeploymentSpec instances =
        SpecParser.parse(
                RepoFiles.read("examples/llama3-8b-orchestrated.yaml")
                    .replace(
                        "dimension: copies\n  minCopies: 0\n  maxCopies: 8",
                        "dimension: instances\n  minInstances: 1\n  maxInstances: 3")
                    .replace("maxInstances: 2, dryRun", "maxInstances: 3, dryRun"))
            .orThrow();
    Decision d =
        decide(
            ScalingTarget.of(instances, Catalog.bundled()),
            policy(instances, "burst"),
            event(AlarmState.ALARM, NOW, Delivery.EVENTBRIDGE),
            Optional.of(16.0),
            TargetState.initial(instances.name()),
            new LiveCapacity(1, 1, 8, 1, Optional.of("InService"), "InService", 2));
    // The scalable target's maximum was raised outside copyscale (8): the guardrail still holds.
    assertThat(d.entry().to()).isEqualTo(3);
    assertThat(d.entry().limitedBy()).containsExactly("guardrails.maxInstances 3");
    assertThat(d.instances()).as("SageMaker holds the copies; no plan of copyscale's").isEmpty();
  }

  @Test
  void anAlarmThatIsNotInAlarmChangesNothing() {
    Decision d =
        decide(
            target,
            burst,
            event(AlarmState.OK, NOW, Delivery.EVENTBRIDGE),
            Optional.of(1.0),
            TargetState.initial(spec.name()),
            live(2, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(d.entry().reason())
        .isEqualTo("alarm is OK: step scaling acts only while an alarm is in ALARM");
    assertThat(d.next().intent()).isEmpty();
    assertThat(d.next().newestAlarmState()).containsEntry(BURST, NOW);
  }

  @Test
  void withoutDatapointsNothingIsSized() {
    Decision d =
        decide(
            target,
            burst,
            event(AlarmState.ALARM, NOW, Delivery.EVENTBRIDGE),
            Optional.empty(),
            TargetState.initial(spec.name()),
            live(2, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(d.entry().reason()).startsWith("neither the alarm event nor CloudWatch");
  }

  @Test
  void aLateDeliveryIsIgnoredButTheTickReadsTheStateAsItIs() {
    TargetState seen =
        TargetState.initial(spec.name()).withNewestAlarmState(Map.of(BURST, NOW.plusSeconds(60)));
    Decision late =
        decide(
            target,
            burst,
            event(AlarmState.ALARM, NOW, Delivery.EVENTBRIDGE),
            Optional.of(16.0),
            seen,
            live(2, 1));
    assertThat(late.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(late.entry().reason()).startsWith("late delivery: state of " + NOW);
    assertThat(late.next().newestAlarmState()).containsEntry(BURST, NOW.plusSeconds(60));

    Decision tick =
        decide(
            target,
            burst,
            event(AlarmState.ALARM, NOW, Delivery.TICK),
            Optional.of(16.0),
            seen,
            live(2, 1));
    assertThat(tick.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(tick.entry().source()).isEqualTo(Source.TICK);
  }

  @Test
  void aDryRunSaysWhatItWouldDoAndAsksForNothing() {
    ScalingTarget dry = ScalingTarget.of(spec("dryRun: false", "dryRun: true"), Catalog.bundled());
    Decision d =
        decide(
            dry,
            burst,
            event(AlarmState.ALARM, NOW, Delivery.EVENTBRIDGE),
            Optional.of(16.0),
            TargetState.initial(spec.name()),
            live(2, 1));
    assertThat(d.outcome()).isEqualTo(Outcome.DRY_RUN);
    assertThat(d.entry().reason()).startsWith("dry run, nothing written: ");
    assertThat(d.next().intent()).isEmpty();
    assertThat(d.next().cooldowns()).isEqualTo(Cooldowns.NONE);
    assertThat(d.startsChange()).isFalse();
  }
}

package dev.copyscale.twin.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.cloudwatch.AlarmActionInvocation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;

/**
 * Step policies executed by the twin's Application Auto Scaling when an alarm invokes them, by the
 * twin's own AAS step rules (NativeScaling.step): the user guide's worked example, the in-flight
 * scale-out during a cooldown, an alarm that stays in ALARM, scale from zero.
 */
class NativePolicyStepScalingTest extends NativePolicyFixture {

  String step(String name, String adjustmentType, int cooldown, StepAdjustment... steps) {
    return aas.putScalingPolicy(
            b ->
                b.policyName(name)
                    .serviceNamespace("sagemaker")
                    .resourceId(IC)
                    .scalableDimension(COPIES)
                    .policyType("StepScaling")
                    .stepScalingPolicyConfiguration(
                        c ->
                            c.adjustmentType(adjustmentType)
                                .cooldown(cooldown)
                                .metricAggregationType("Average")
                                .stepAdjustments(steps)))
        .policyARN();
  }

  static StepAdjustment adjust(Double lower, Double upper, int adjustment) {
    return StepAdjustment.builder()
        .metricIntervalLowerBound(lower)
        .metricIntervalUpperBound(upper)
        .scalingAdjustment(adjustment)
        .build();
  }

  void fire(String policyArn, String alarm, double metric, double threshold, String comparison) {
    aas.invoke(
        new AlarmActionInvocation(
            policyArn, alarm, world.clock().instant(), "ALARM", metric, threshold, comparison));
  }

  int copies() {
    return AccountFixture.desiredCopies(world, "ic");
  }

  /**
   * The user guide's example ("Step scaling policies for Application Auto Scaling"): threshold 50,
   * PercentChangeInCapacity, out steps [0,10) 0 %, [10,20) +10 %, [20,∞) +30 %; in steps (−10,0] 0
   * %, (−20,−10] −10 %, (−∞,−20] −30 %; capacity 10.
   */
  @Test
  void theUserGuidesWorkedExample() {
    component(10, 1, 16);
    String out =
        step(
            "out",
            "PercentChangeInCapacity",
            60,
            adjust(0.0, 10.0, 0),
            adjust(10.0, 20.0, 10),
            adjust(20.0, null, 30));
    String in =
        step(
            "in",
            "PercentChangeInCapacity",
            60,
            adjust(-10.0, 0.0, 0),
            adjust(-20.0, -10.0, -10),
            adjust(null, -20.0, -30));
    fire(out, "high", 55, 50, "GreaterThanThreshold"); // breach 5: the 0 % step, nothing
    assertThat(copies()).isEqualTo(10);
    assertThat(aas.activities()).isEmpty();
    fire(out, "high", 60, 50, "GreaterThanThreshold"); // breach 10: +10 % of 10 = 1
    assertThat(copies()).isEqualTo(11);
    world.pause(SETTLE);
    fire(
        out,
        "high",
        70,
        50,
        "GreaterThanThreshold"); // breach 20: +30 % of 11 = 3.3, rounded down to 3
    assertThat(copies()).isEqualTo(14);
    world.pause(SETTLE);
    fire(
        in, "low", 40, 50, "LessThanThreshold"); // breach −10: −10 % of 14 = −1.4, rounded up to −1
    assertThat(copies()).isEqualTo(13);
    world.pause(SETTLE);
    fire(
        in, "low", 30, 50, "LessThanThreshold"); // breach −20: −30 % of 13 = −3.9, rounded up to −3
    assertThat(copies()).isEqualTo(10);
    assertThat(aas.activities())
        .extracting(AutoScalingTwin.Activity::description)
        .containsExactly(
            "Setting desired copy count to 11.",
            "Setting desired copy count to 14.",
            "Setting desired copy count to 13.",
            "Setting desired copy count to 10.");
    assertThat(aas.activities())
        .extracting(AutoScalingTwin.Activity::cause)
        .containsExactly(
            "monitor alarm high in state ALARM triggered policy out",
            "monitor alarm high in state ALARM triggered policy out",
            "monitor alarm low in state ALARM triggered policy in",
            "monitor alarm low in state ALARM triggered policy in");
  }

  /** The guide's cooldown example: +2, then during the cooldown a +3 step adds only 1. */
  @Test
  void duringTheCooldownTheInFlightScaleOutCountsAsAlreadyThere() {
    component(2, 1, 16);
    String out = step("out", "ChangeInCapacity", 900, adjust(0.0, 10.0, 2), adjust(10.0, null, 3));
    fire(out, "high", 55, 50, "GreaterThanThreshold"); // +2
    assertThat(copies()).isEqualTo(4);
    world.pause(SETTLE); // copies serve, cooldown (15 min) still on
    fire(
        out,
        "high",
        55,
        50,
        "GreaterThanThreshold"); // the alarm stays in ALARM: the same step is covered by the
    // in-flight one
    assertThat(copies()).isEqualTo(4);
    fire(out, "high", 65, 50, "GreaterThanThreshold"); // +3 from the 2 before: 5, one more
    assertThat(copies()).isEqualTo(5);
    world.pause(Duration.ofMinutes(16));
    fire(out, "high", 55, 50, "GreaterThanThreshold"); // cooldown over, still in ALARM: +2 again
    assertThat(copies()).isEqualTo(7);
    assertThat(aas.activities())
        .hasSize(3)
        .allSatisfy(a -> assertThat(a.statusCode()).isEqualTo("Successful"));
  }

  @Test
  void aScaleInWaitsForTheCooldownAndClampsToMin() {
    component(6, 2, 16);
    String in = step("in", "ChangeInCapacity", 300, adjust(null, 0.0, -3));
    fire(in, "low", 10, 50, "LessThanThreshold");
    assertThat(copies()).isEqualTo(3);
    world.pause(Duration.ofMinutes(2));
    fire(in, "low", 10, 50, "LessThanThreshold"); // cooldown until +5 min
    assertThat(copies()).isEqualTo(3);
    world.pause(Duration.ofMinutes(4));
    fire(in, "low", 10, 50, "LessThanThreshold"); // 3 − 3 = 0, clamped to min 2
    assertThat(copies()).isEqualTo(2);
    assertThat(aas.activities())
        .extracting(AutoScalingTwin.Activity::description)
        .containsExactly("Setting desired copy count to 3.", "Setting desired copy count to 2.");
  }

  @Test
  void exactCapacityAndTheMaximum() {
    component(2, 1, 8);
    String out = step("out", "ExactCapacity", 60, adjust(0.0, null, 12));
    fire(out, "high", 51, 50, "GreaterThanThreshold");
    assertThat(copies()).isEqualTo(8);
  }

  /**
   * SageMaker: scaling out from zero needs a step policy; NoCapacityInvocationFailures > 0 brings a
   * copy back.
   */
  @Test
  void aStepPolicyScalesFromZero() {
    component(1, 0, 4);
    sm.updateInferenceComponentRuntimeConfig(
        b -> b.inferenceComponentName("ic").desiredRuntimeConfig(c -> c.copyCount(0)));
    world.pause(Duration.ofMinutes(1));
    String fromZero = step("from-zero", "ChangeInCapacity", 60, adjust(0.0, null, 1));
    fire(fromZero, "ic-no-capacity", 3, 0, "GreaterThanThreshold");
    assertThat(copies()).isEqualTo(1);
    assertThat(aas.activities())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.description()).isEqualTo("Setting desired copy count to 1.");
              assertThat(a.cause())
                  .isEqualTo(
                      "monitor alarm ic-no-capacity in state ALARM triggered policy from-zero");
            });
  }

  @Test
  void noStepCoversTheBreachNoActivity() {
    component(2, 1, 8);
    String out = step("out", "ChangeInCapacity", 60, adjust(10.0, null, 1));
    fire(out, "high", 55, 50, "GreaterThanThreshold");
    assertThat(copies()).isEqualTo(2);
    assertThat(aas.activities()).isEmpty();
  }
}

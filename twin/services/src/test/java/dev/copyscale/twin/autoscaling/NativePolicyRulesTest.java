package dev.copyscale.twin.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.twin.autoscaling.NativeScaling.Decision;
import dev.copyscale.twin.autoscaling.NativeScaling.History;
import dev.copyscale.twin.autoscaling.NativeScaling.StepOutcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.applicationautoscaling.model.StepScalingPolicyConfiguration;

/** The target-tracking and step-scaling rules as pure functions. */
class NativePolicyRulesTest {
  static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

  static Decision high(double metric, int capacity, History cooldowns) {
    return NativeScaling.targetTracking(
        true, metric, 20, capacity, 1, 100, false, 60, 300, cooldowns, NOW);
  }

  static Decision low(double metric, int capacity, History cooldowns) {
    return NativeScaling.targetTracking(
        false, metric, 20, capacity, 1, 100, false, 60, 300, cooldowns, NOW);
  }

  @Test
  void proportionalScaleOutRoundsUp() {
    assertThat(high(50, 2, History.NONE).to()).isEqualTo(5);
    assertThat(high(21, 10, History.NONE).to()).isEqualTo(11); // 10.5 -> 11
    assertThat(high(0.7, 30, History.NONE.after(NOW, 2, 1)).to())
        .isEqualTo(30); // 1.05 copies: no scale-out below current
    assertThat(
            NativeScaling.targetTracking(
                    true, 0.7, 0.1, 3, 1, 100, false, 60, 300, History.NONE, NOW)
                .to())
        .isEqualTo(21); // 3 × 7 = 21, not 22
  }

  @Test
  void scaleInKeepsTheMetricAtOrBelowTheTarget() {
    Decision d = low(17, 4, History.NONE);
    assertThat(d.scaled()).isFalse();
    assertThat(d.reason()).contains("would push metric 17 above target 20");
    assertThat(low(17, 10, History.NONE).to()).isEqualTo(9);
    assertThat(low(0, 10, History.NONE).to()).isEqualTo(1); // min
  }

  @Test
  void cooldowns() {
    History outJustNow = History.NONE.after(NOW.minusSeconds(30), 2, 4);
    assertThat(high(40, 4, outJustNow).scaled()).isFalse(); // from 2: 4, covered
    assertThat(high(40, 4, outJustNow).reason()).contains("scale-out in progress (2 -> 4");
    assertThat(high(60, 4, outJustNow).to()).isEqualTo(6);
    History outLongAgo = History.NONE.after(NOW.minusSeconds(61), 2, 4);
    assertThat(high(40, 4, outLongAgo).to()).isEqualTo(8);
    History inJustNow = History.NONE.after(NOW.minusSeconds(299), 2, 1);
    assertThat(low(5, 8, inJustNow).scaled()).isFalse();
    assertThat(low(5, 8, inJustNow).reason()).contains("scale-in cooldown");
    assertThat(high(40, 8, inJustNow).to())
        .isEqualTo(16); // a scale-out is not held by a scale-in cooldown
    assertThat(low(5, 8, History.NONE.after(NOW.minusSeconds(300), 2, 1)).to()).isEqualTo(2);
    assertThat(low(5, 8, outJustNow).to())
        .isEqualTo(2); // the guide puts no scale-out block on scale-in
  }

  @Test
  void boundsDisableScaleInAndZero() {
    assertThat(
            NativeScaling.targetTracking(true, 200, 20, 2, 2, 6, false, 60, 300, History.NONE, NOW)
                .to())
        .isEqualTo(6);
    assertThat(
            NativeScaling.targetTracking(true, 200, 20, 6, 2, 6, false, 60, 300, History.NONE, NOW)
                .scaled())
        .isFalse();
    assertThat(
            NativeScaling.targetTracking(false, 1, 20, 6, 2, 6, false, 60, 300, History.NONE, NOW)
                .to())
        .isEqualTo(2);
    assertThat(
            NativeScaling.targetTracking(false, 1, 20, 6, 2, 6, true, 60, 300, History.NONE, NOW)
                .scaled())
        .isFalse();
    assertThat(
            NativeScaling.targetTracking(true, 500, 20, 0, 0, 6, false, 60, 300, History.NONE, NOW)
                .scaled())
        .isFalse();
    assertThat(
            NativeScaling.targetTracking(
                    true, Double.NaN, 20, 2, 0, 6, false, 60, 300, History.NONE, NOW)
                .scaled())
        .isFalse();
    // Default cooldowns (null): 300 s.
    History out = History.NONE.after(NOW.minusSeconds(200), 2, 4);
    assertThat(
            NativeScaling.targetTracking(true, 40, 20, 4, 1, 100, false, null, null, out, NOW)
                .scaled())
        .isFalse();
  }

  static StepAdjustment adjust(Double lower, Double upper, int adjustment) {
    return StepAdjustment.builder()
        .metricIntervalLowerBound(lower)
        .metricIntervalUpperBound(upper)
        .scalingAdjustment(adjustment)
        .build();
  }

  static StepScalingPolicyConfiguration policy(
      String type, Integer cooldown, Integer minMagnitude, StepAdjustment... steps) {
    return StepScalingPolicyConfiguration.builder()
        .adjustmentType(type)
        .cooldown(cooldown)
        .minAdjustmentMagnitude(minMagnitude)
        .stepAdjustments(steps)
        .build();
  }

  /**
   * The API Reference's StepAdjustment examples: threshold 50, [0, 10) above it, (−10, 0] below it.
   */
  @Test
  void boundsAreInclusiveTowardsTheThresholdOnTheBreachingSide() {
    StepScalingPolicyConfiguration out =
        policy("ChangeInCapacity", 60, null, adjust(0.0, 10.0, 1), adjust(10.0, null, 2));
    assertThat(NativeScaling.step(out, 50, 50, false, 4, 1, 20, History.NONE, NOW).to())
        .isEqualTo(5);
    assertThat(NativeScaling.step(out, 59.9, 50, false, 4, 1, 20, History.NONE, NOW).to())
        .isEqualTo(5);
    assertThat(NativeScaling.step(out, 60, 50, false, 4, 1, 20, History.NONE, NOW).to())
        .isEqualTo(6);
    StepScalingPolicyConfiguration in =
        policy("ChangeInCapacity", 60, null, adjust(-10.0, 0.0, -1), adjust(null, -10.0, -2));
    assertThat(NativeScaling.step(in, 50, 50, true, 4, 1, 20, History.NONE, NOW).to()).isEqualTo(3);
    assertThat(NativeScaling.step(in, 40, 50, true, 4, 1, 20, History.NONE, NOW).to()).isEqualTo(2);
    assertThat(NativeScaling.step(in, 40.1, 50, true, 4, 1, 20, History.NONE, NOW).to())
        .isEqualTo(3);
    StepOutcome none = NativeScaling.step(out, 49, 50, true, 4, 1, 20, History.NONE, NOW);
    assertThat(none.scaled()).isFalse();
    assertThat(none.stepIndex()).isEqualTo(-1);
  }

  /**
   * Rounding of a percent change, and MinAdjustmentMagnitude (API Reference: 25 % of 4 with a
   * minimum of 2 adds 2).
   */
  @Test
  void percentChangeRoundsTowardsZeroButNeverToZero() {
    assertThat(NativeScaling.percentChange(11, 30, null)).isEqualTo(3); // 3.3
    assertThat(NativeScaling.percentChange(2, 30, null)).isEqualTo(1); // 0.6
    assertThat(NativeScaling.percentChange(2, -30, null)).isEqualTo(-1); // -0.6
    assertThat(NativeScaling.percentChange(13, -30, null)).isEqualTo(-3); // -3.9
    assertThat(NativeScaling.percentChange(10, 10, null)).isEqualTo(1);
    assertThat(NativeScaling.percentChange(4, 25, 2)).isEqualTo(2);
    assertThat(NativeScaling.percentChange(4, -25, 2)).isEqualTo(-2);
    assertThat(NativeScaling.percentChange(40, 25, 2)).isEqualTo(10);
    assertThat(NativeScaling.percentChange(4, 0, 2)).isZero();
  }

  /**
   * The API Reference's cooldown example: +2, then +3 during the cooldown adds only 1; after it, +3
   * adds 3.
   */
  @Test
  void aScaleOutDuringTheCooldownCountsTheCapacityAlreadyAdded() {
    StepScalingPolicyConfiguration out =
        policy("ChangeInCapacity", 300, null, adjust(0.0, 10.0, 2), adjust(10.0, null, 3));
    History afterTwo = History.NONE.after(NOW.minusSeconds(100), 4, 6);
    assertThat(NativeScaling.step(out, 5, 0, false, 6, 1, 20, afterTwo, NOW).scaled()).isFalse();
    assertThat(NativeScaling.step(out, 15, 0, false, 6, 1, 20, afterTwo, NOW).to()).isEqualTo(7);
    assertThat(NativeScaling.step(out, 15, 0, false, 6, 1, 20, afterTwo, NOW.plusSeconds(200)).to())
        .isEqualTo(9);
    // A scale-in waits for the cooldown of the previous scale-in; a scale-out does not, and ends
    // it.
    StepScalingPolicyConfiguration in =
        policy("ChangeInCapacity", 300, null, adjust(null, 0.0, -1));
    History afterIn = History.NONE.after(NOW.minusSeconds(100), 7, 6);
    assertThat(NativeScaling.step(in, -1, 0, true, 6, 1, 20, afterIn, NOW).scaled()).isFalse();
    assertThat(NativeScaling.step(in, -1, 0, true, 6, 1, 20, afterIn, NOW.plusSeconds(200)).to())
        .isEqualTo(5);
    assertThat(NativeScaling.step(out, 5, 0, false, 6, 1, 20, afterIn, NOW).to()).isEqualTo(8);
    assertThat(
            NativeScaling.step(
                    in, -1, 0, true, 8, 1, 20, afterIn.after(NOW, 6, 8), NOW.plusSeconds(1))
                .to())
        .isEqualTo(7);
    // Default cooldown: 300 s.
    StepScalingPolicyConfiguration noCooldown =
        policy("ChangeInCapacity", null, null, adjust(null, 0.0, -1));
    assertThat(
            NativeScaling.step(
                    noCooldown,
                    -1,
                    0,
                    true,
                    6,
                    1,
                    20,
                    History.NONE.after(NOW.minusSeconds(299), 7, 6),
                    NOW)
                .scaled())
        .isFalse();
  }

  @Test
  void exactCapacityAndTheTargetsBounds() {
    StepScalingPolicyConfiguration exact =
        policy("ExactCapacity", 60, null, adjust(0.0, null, 9), adjust(null, 0.0, 0));
    assertThat(NativeScaling.step(exact, 1, 0, false, 3, 1, 20, History.NONE, NOW).to())
        .isEqualTo(9);
    assertThat(NativeScaling.step(exact, -1, 0, true, 3, 1, 20, History.NONE, NOW).to())
        .isEqualTo(1); // minCapacity
    assertThat(NativeScaling.step(exact, 1, 0, false, 3, 1, 6, History.NONE, NOW).to())
        .isEqualTo(6); // maxCapacity
    assertThat(NativeScaling.step(exact, 1, 0, false, 6, 1, 6, History.NONE, NOW).scaled())
        .isFalse();
    // From zero (a step policy is how a component comes back from zero copies).
    StepScalingPolicyConfiguration wake =
        policy("ChangeInCapacity", 60, null, adjust(0.0, null, 1));
    assertThat(NativeScaling.step(wake, 1, 0, false, 0, 0, 4, History.NONE, NOW).to()).isEqualTo(1);
  }
}

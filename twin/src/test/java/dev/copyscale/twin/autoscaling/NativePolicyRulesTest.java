package dev.copyscale.twin.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.Cooldowns;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.twin.autoscaling.NativeScaling.Decision;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The target-tracking rule and the step-policy adapter as pure functions. */
class NativePolicyRulesTest {
  static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

  static Decision high(double metric, int capacity, Cooldowns cooldowns) {
    return NativeScaling.targetTracking(true, metric, 20, capacity, 1, 100, false, 60, 300, cooldowns, NOW);
  }

  static Decision low(double metric, int capacity, Cooldowns cooldowns) {
    return NativeScaling.targetTracking(false, metric, 20, capacity, 1, 100, false, 60, 300, cooldowns, NOW);
  }

  @Test
  void proportionalScaleOutRoundsUp() {
    assertThat(high(50, 2, Cooldowns.NONE).to()).isEqualTo(5);
    assertThat(high(21, 10, Cooldowns.NONE).to()).isEqualTo(11); // 10.5 -> 11
    assertThat(high(0.7, 30, Cooldowns.NONE.afterScaleIn(NOW)).to()).isEqualTo(30); // 1.05 copies: no scale-out below current
    assertThat(NativeScaling.targetTracking(true, 0.7, 0.1, 3, 1, 100, false, 60, 300, Cooldowns.NONE, NOW).to()).isEqualTo(21); // 3 × 7 = 21, not 22
  }

  @Test
  void scaleInKeepsTheMetricAtOrBelowTheTarget() {
    Decision d = low(17, 4, Cooldowns.NONE);
    assertThat(d.scaled()).isFalse();
    assertThat(d.reason()).contains("would push metric 17 above target 20");
    assertThat(low(17, 10, Cooldowns.NONE).to()).isEqualTo(9);
    assertThat(low(0, 10, Cooldowns.NONE).to()).isEqualTo(1); // min
  }

  @Test
  void cooldowns() {
    Cooldowns outJustNow = Cooldowns.NONE.afterScaleOut(NOW.minusSeconds(30), 2, 4);
    assertThat(high(40, 4, outJustNow).scaled()).isFalse(); // from 2: 4, covered
    assertThat(high(40, 4, outJustNow).reason()).contains("scale-out in progress (2 -> 4");
    assertThat(high(60, 4, outJustNow).to()).isEqualTo(6);
    Cooldowns outLongAgo = Cooldowns.NONE.afterScaleOut(NOW.minusSeconds(61), 2, 4);
    assertThat(high(40, 4, outLongAgo).to()).isEqualTo(8);
    Cooldowns inJustNow = Cooldowns.NONE.afterScaleIn(NOW.minusSeconds(299));
    assertThat(low(5, 8, inJustNow).scaled()).isFalse();
    assertThat(low(5, 8, inJustNow).reason()).contains("scale-in cooldown");
    assertThat(high(40, 8, inJustNow).to()).isEqualTo(16); // a scale-out is not held by a scale-in cooldown
    assertThat(low(5, 8, Cooldowns.NONE.afterScaleIn(NOW.minusSeconds(300))).to()).isEqualTo(2);
    assertThat(low(5, 8, outJustNow).to()).isEqualTo(2); // the guide puts no scale-out block on scale-in
  }

  @Test
  void boundsDisableScaleInAndZero() {
    assertThat(NativeScaling.targetTracking(true, 200, 20, 2, 2, 6, false, 60, 300, Cooldowns.NONE, NOW).to()).isEqualTo(6);
    assertThat(NativeScaling.targetTracking(true, 200, 20, 6, 2, 6, false, 60, 300, Cooldowns.NONE, NOW).scaled()).isFalse();
    assertThat(NativeScaling.targetTracking(false, 1, 20, 6, 2, 6, false, 60, 300, Cooldowns.NONE, NOW).to()).isEqualTo(2);
    assertThat(NativeScaling.targetTracking(false, 1, 20, 6, 2, 6, true, 60, 300, Cooldowns.NONE, NOW).scaled()).isFalse();
    assertThat(NativeScaling.targetTracking(true, 500, 20, 0, 0, 6, false, 60, 300, Cooldowns.NONE, NOW).scaled()).isFalse();
    assertThat(NativeScaling.targetTracking(true, Double.NaN, 20, 2, 0, 6, false, 60, 300, Cooldowns.NONE, NOW).scaled()).isFalse();
    // Default cooldowns (null): 300 s.
    Cooldowns out = Cooldowns.NONE.afterScaleOut(NOW.minusSeconds(200), 2, 4);
    assertThat(NativeScaling.targetTracking(true, 40, 20, 4, 1, 100, false, null, null, out, NOW).scaled()).isFalse();
  }

  @Test
  void stepPolicyAdapter() {
    DeploymentSpec.StepPolicy p = NativeScaling.stepPolicy("out", "PercentChangeInCapacity", null, 2, "Maximum",
        List.of(new NativeScaling.StepAdjustment(0.0, 10.0, 10), new NativeScaling.StepAdjustment(10.0, null, 30)));
    assertThat(p.cooldownSeconds()).isEqualTo(NativeScaling.DEFAULT_COOLDOWN_SECONDS);
    assertThat(p.engine()).isEqualTo(DeploymentSpec.Engine.NATIVE);
    assertThat(p.minAdjustmentMagnitude()).contains(2);
    assertThat(p.steps().get(1).upper()).isEmpty();
    assertThat(p.steps().get(0).lower()).contains(0.0);
  }
}

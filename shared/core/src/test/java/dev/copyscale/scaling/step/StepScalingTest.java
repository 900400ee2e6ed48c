package dev.copyscale.scaling.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.capacity.Guardrail;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.step.StepDecision.Direction;
import dev.copyscale.spec.AdjustmentType;
import dev.copyscale.spec.Comparison;
import dev.copyscale.spec.DeploymentSpec.Alarm;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Step;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Step scaling against Application Auto Scaling's documentation: the worked example of "Step
 * adjustments for step scaling" (capacity 10, threshold 50, ±10 % and ±30 % steps), the
 * StepAdjustment API reference's bound rules, the rounding rules of PercentChangeInCapacity, and
 * the cooldown rules of "Cooldown period for step scaling".
 */
class StepScalingTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private static Optional<Double> b(Double value) {
    return Optional.ofNullable(value);
  }

  private static StepPolicy policy(
      AdjustmentType type, int cooldown, Optional<Integer> minMagnitude, Step... steps) {
    Alarm alarm =
        new Alarm(
            "ConcurrentRequestsPerCopy",
            "Average",
            60,
            1,
            1,
            50,
            Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            "missing");
    return new StepPolicy(
        "p",
        false,
        Engine.ORCHESTRATED,
        alarm,
        type,
        List.of(steps),
        cooldown,
        minMagnitude,
        "Average");
  }

  /** AAS guide: scale out by 0 % in [0, 10), 10 % in [10, 20), 30 % from 20 above the threshold. */
  private static final StepPolicy DOC_OUT =
      policy(
          AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
          0,
          Optional.empty(),
          new Step(b(0.0), b(10.0), 0),
          new Step(b(10.0), b(20.0), 10),
          new Step(b(20.0), b(null), 30));

  /** AAS guide: scale in by 0 % in (−10, 0], 10 % in (−20, −10], 30 % from −20 down. */
  private static final StepPolicy DOC_IN =
      policy(
          AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
          0,
          Optional.empty(),
          new Step(b(-10.0), b(0.0), 0),
          new Step(b(-20.0), b(-10.0), -10),
          new Step(b(null), b(-20.0), -30));

  private static StepScaling.Inputs at(double metric, boolean below, int capacity) {
    return new StepScaling.Inputs(
        metric, 50, below, capacity, 0, 100, copies(100), Cooldowns.NONE, T0);
  }

  @Test
  void theDocumentedWalkThrough() {
    // metric 60: +10 % of 10 = 1 -> 11
    StepDecision first = StepScaling.decide(DOC_OUT, at(60, false, 10));
    assertThat(first.to()).isEqualTo(11);
    assertThat(first.step()).contains(1);
    // metric 70: +30 % of 11 = 3.3, rounded down to 3 -> 14
    assertThat(StepScaling.decide(DOC_OUT, at(70, false, 11)).to()).isEqualTo(14);
    // metric 40: -10 % of 14 = 1.4, rounded down to 1 -> 13
    assertThat(StepScaling.decide(DOC_IN, at(40, true, 14)).to()).isEqualTo(13);
    // metric 30: -30 % of 13 = 3.9, rounded down to 3 -> 10
    StepDecision last = StepScaling.decide(DOC_IN, at(30, true, 13));
    assertThat(last.to()).isEqualTo(10);
    assertThat(last.direction()).isEqualTo(Direction.IN);
  }

  @Test
  void betweenFortyAndSixtyCapacityIsMaintained() {
    StepDecision out = StepScaling.decide(DOC_OUT, at(55, false, 10));
    assertThat(out.scaled()).isFalse();
    assertThat(out.reason()).contains("asks no change");
    assertThat(StepScaling.decide(DOC_IN, at(45, true, 10)).scaled()).isFalse();
  }

  @Nested
  class Bounds {
    /** StepAdjustment: threshold 50, lower 0 upper 10 means 50 <= metric < 60. */
    @ParameterizedTest
    @CsvSource({"50, 0", "59.999, 0", "60, 1", "69.9, 1", "70, 2", "1000, 2"})
    void aboveTheThresholdLowerIsInclusiveUpperExclusive(double metric, int step) {
      assertThat(StepScaling.decide(DOC_OUT, at(metric, false, 10)).step()).contains(step);
    }

    /** StepAdjustment: threshold 50, lower -10 upper 0 means 40 < metric <= 50. */
    @ParameterizedTest
    @CsvSource({"50, 0", "40.001, 0", "40, 1", "30.5, 1", "30, 2", "0, 2"})
    void belowTheThresholdLowerIsExclusiveUpperInclusive(double metric, int step) {
      assertThat(StepScaling.decide(DOC_IN, at(metric, true, 10)).step()).contains(step);
    }

    @Test
    void aBreachNoStepCoversIsReportedNotGuessed() {
      StepPolicy gap =
          policy(
              AdjustmentType.CHANGE_IN_CAPACITY,
              0,
              Optional.empty(),
              new Step(b(10.0), b(null), 1));
      StepDecision d = StepScaling.decide(gap, at(55, false, 3));
      assertThat(d.scaled()).isFalse();
      assertThat(d.step()).isEmpty();
      assertThat(d.reason()).contains("no step of policy p covers a breach of 5");
    }
  }

  @Nested
  class Adjustments {
    @ParameterizedTest
    @CsvSource({
      "1.9, 1",
      "1.0001, 1",
      "0.5, 1",
      "0.0001, 1",
      "0, 0",
      "-0.2, -1",
      "-0.9999, -1",
      "-1.5, -1",
      "-3.9, -3"
    })
    void percentRoundingAsDocumented(double change, int rounded) {
      assertThat(StepScaling.roundPercent(change)).isEqualTo(rounded);
    }

    @Test
    void smallPercentChangesBecomeOneCopy() {
      StepPolicy tenPercent =
          policy(
              AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
              0,
              Optional.empty(),
              new Step(b(0.0), b(null), 10));
      assertThat(StepScaling.decide(tenPercent, at(60, false, 4)).to()).isEqualTo(5); // 0.4 -> 1
    }

    @Test
    void minAdjustmentMagnitudeRaisesSmallPercentChanges() {
      StepPolicy p =
          policy(
              AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
              0,
              Optional.of(3),
              new Step(b(0.0), b(null), 10));
      assertThat(StepScaling.decide(p, at(60, false, 10)).to())
          .isEqualTo(13); // 10 % of 10 = 1, raised to 3
      assertThat(StepScaling.decide(p, at(60, false, 50)).to()).isEqualTo(55); // 5 >= 3: unchanged
    }

    @Test
    void exactCapacitySetsTheCount() {
      StepPolicy exact =
          policy(AdjustmentType.EXACT_CAPACITY, 0, Optional.empty(), new Step(b(0.0), b(null), 6));
      assertThat(StepScaling.decide(exact, at(60, false, 2)).to()).isEqualTo(6);
      assertThat(StepScaling.decide(exact, at(60, false, 6)).scaled()).isFalse();
    }

    @Test
    void changeInCapacityAddsTheSeedsStepExample() {
      // "more than 1000: add 10, more than 2000: add 50" on a threshold of 1000
      Alarm alarm =
          new Alarm(
              "Invocations", "Sum", 60, 1, 1, 1000, Comparison.GREATER_THAN_THRESHOLD, "missing");
      StepPolicy seed =
          new StepPolicy(
              "invocations",
              false,
              Engine.ORCHESTRATED,
              alarm,
              AdjustmentType.CHANGE_IN_CAPACITY,
              List.of(new Step(b(0.0), b(1000.0), 10), new Step(b(1000.0), b(null), 50)),
              300,
              Optional.empty(),
              "Average");
      StepScaling.Inputs in1500 =
          new StepScaling.Inputs(1500, 1000, false, 4, 1, 100, copies(100), Cooldowns.NONE, T0);
      assertThat(StepScaling.decide(seed, in1500).to()).isEqualTo(14);
      StepScaling.Inputs in2500 =
          new StepScaling.Inputs(2500, 1000, false, 4, 1, 100, copies(100), Cooldowns.NONE, T0);
      assertThat(StepScaling.decide(seed, in2500).to()).isEqualTo(54);
    }
  }

  @Nested
  class Clamping {
    private final StepPolicy addFour =
        policy(
            AdjustmentType.CHANGE_IN_CAPACITY, 0, Optional.empty(), new Step(b(0.0), b(null), 4));
    private final StepPolicy removeFour =
        policy(
            AdjustmentType.CHANGE_IN_CAPACITY, 0, Optional.empty(), new Step(b(null), b(0.0), -4));

    @Test
    void toTheTargetsMaximumAndTheGuardrail() {
      StepDecision d =
          StepScaling.decide(
              addFour,
              new StepScaling.Inputs(60, 50, false, 6, 1, 8, copies(16), Cooldowns.NONE, T0));
      assertThat(d.to()).isEqualTo(8);
      assertThat(d.proposed()).isEqualTo(10);
      assertThat(d.limitedBy()).containsExactly("maxCapacity 8");
      StepDecision guarded =
          StepScaling.decide(
              addFour,
              new StepScaling.Inputs(60, 50, false, 6, 1, 20, copies(7), Cooldowns.NONE, T0));
      assertThat(guarded.to()).isEqualTo(7);
      assertThat(guarded.limitedBy()).containsExactly("guardrails.maxCopies 7");
    }

    @Test
    void toTheTargetsMinimum() {
      StepDecision d =
          StepScaling.decide(
              removeFour,
              new StepScaling.Inputs(40, 50, true, 3, 1, 8, copies(16), Cooldowns.NONE, T0));
      assertThat(d.to()).isEqualTo(1);
      assertThat(d.limitedBy()).containsExactly("minCapacity 1");
    }

    @Test
    void alreadyAtTheBoundIsANoChangeWithItsReason() {
      StepDecision d =
          StepScaling.decide(
              addFour,
              new StepScaling.Inputs(60, 50, false, 8, 1, 8, copies(16), Cooldowns.NONE, T0));
      assertThat(d.scaled()).isFalse();
      assertThat(d.reason()).isEqualTo("capacity 8 is already at maxCapacity 8 (step 0 asked 12)");
    }
  }

  @Nested
  class CooldownRules {
    private final StepPolicy addTwo =
        policy(
            AdjustmentType.CHANGE_IN_CAPACITY,
            300,
            Optional.empty(),
            new Step(b(0.0), b(10.0), 2),
            new Step(b(10.0), b(null), 3));
    private final StepPolicy removeOne =
        policy(
            AdjustmentType.CHANGE_IN_CAPACITY,
            300,
            Optional.empty(),
            new Step(b(null), b(0.0), -1));

    private StepScaling.Inputs in(
        double metric, boolean below, int capacity, Cooldowns c, Instant now) {
      return new StepScaling.Inputs(metric, 50, below, capacity, 0, 100, copies(100), c, now);
    }

    /**
     * "Scale out by 2 ... the alarm triggers again during cooldown at a step of 3: only 1 is
     * added."
     */
    @Test
    void capacityAddedByTheScaleOutInProgressCountsAsThere() {
      Cooldowns afterTwo = Cooldowns.NONE.afterScaleOut(T0, 10, 12);
      StepDecision larger =
          StepScaling.decide(addTwo, in(65, false, 12, afterTwo, T0.plusSeconds(60)));
      assertThat(larger.to()).isEqualTo(13);
      StepDecision same =
          StepScaling.decide(addTwo, in(55, false, 12, afterTwo, T0.plusSeconds(60)));
      assertThat(same.scaled()).isFalse();
      assertThat(same.reason())
          .contains("the scale-out in progress (10 -> 12")
          .contains("already covers step 0");
    }

    @Test
    void afterTheCooldownAScaleOutAddsAgain() {
      Cooldowns afterTwo = Cooldowns.NONE.afterScaleOut(T0, 10, 12);
      assertThat(StepScaling.decide(addTwo, in(55, false, 12, afterTwo, T0.plusSeconds(300))).to())
          .isEqualTo(14);
    }

    @Test
    void scaleInWaitsForTheScaleInCooldown() {
      Cooldowns afterIn = Cooldowns.NONE.afterScaleIn(T0);
      StepDecision blocked =
          StepScaling.decide(removeOne, in(40, true, 5, afterIn, T0.plusSeconds(299)));
      assertThat(blocked.scaled()).isFalse();
      assertThat(blocked.reason())
          .startsWith("scale-in cooldown until 2026-11-25T10:05:00Z blocks 5 -> 4");
      assertThat(StepScaling.decide(removeOne, in(40, true, 5, afterIn, T0.plusSeconds(300))).to())
          .isEqualTo(4);
    }

    @Test
    void aScaleOutIsNotBlockedByAScaleInCooldownAndCancelsIt() {
      Cooldowns afterIn = Cooldowns.NONE.afterScaleIn(T0);
      StepDecision out = StepScaling.decide(addTwo, in(55, false, 0, afterIn, T0.plusSeconds(10)));
      assertThat(out.to()).isEqualTo(2);
      Cooldowns next = afterIn.afterScaleOut(T0.plusSeconds(10), 0, 2);
      assertThat(next.lastScaleIn()).isEmpty();
      assertThat(StepScaling.decide(removeOne, in(40, true, 2, next, T0.plusSeconds(20))).to())
          .isEqualTo(1);
    }

    @Test
    void aSmallerScaleOutDuringCooldownNeverScalesIn() {
      StepPolicy addOne =
          policy(
              AdjustmentType.CHANGE_IN_CAPACITY,
              300,
              Optional.empty(),
              new Step(b(0.0), b(null), 1));
      Cooldowns afterThree = Cooldowns.NONE.afterScaleOut(T0, 10, 13);
      StepDecision d =
          StepScaling.decide(addOne, in(60, false, 13, afterThree, T0.plusSeconds(30)));
      assertThat(d.scaled()).isFalse();
      assertThat(d.to()).isEqualTo(13);
    }
  }

  @Test
  void scaleFromZeroBringsCopiesBack() {
    Alarm noCapacity =
        new Alarm(
            "NoCapacityInvocationFailures",
            "Maximum",
            60,
            1,
            1,
            1,
            Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            "missing");
    StepPolicy fromZero =
        new StepPolicy(
            "from-zero",
            false,
            Engine.ORCHESTRATED,
            noCapacity,
            AdjustmentType.CHANGE_IN_CAPACITY,
            List.of(new Step(b(0.0), b(null), 2)),
            300,
            Optional.empty(),
            "Maximum");
    Cooldowns scaledInJustNow = Cooldowns.NONE.afterScaleIn(T0);
    StepDecision d =
        StepScaling.decide(
            fromZero,
            new StepScaling.Inputs(
                3, 1, false, 0, 0, 8, copies(16), scaledInJustNow, T0.plusSeconds(5)));
    assertThat(d.from()).isZero();
    assertThat(d.to()).isEqualTo(2);
    assertThat(d.direction()).isEqualTo(Direction.OUT);
  }

  /** The copies guardrail, as a copies-scaled spec has it. */
  static Guardrail copies(int max) {
    return new Guardrail(max, "guardrails.maxCopies");
  }
}

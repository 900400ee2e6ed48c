package dev.copyscale.twin.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.step.StepDecision;
import dev.copyscale.scaling.step.StepScaling;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.twin.autoscaling.NativeScaling.History;
import dev.copyscale.twin.autoscaling.NativeScaling.StepOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.applicationautoscaling.model.StepScalingPolicyConfiguration;

/**
 * The twin's native step scaling ({@link NativeScaling#step}, written from AWS's documentation)
 * against copyscale's own ({@link StepScaling#decide}, shared/core) on the same generated cases:
 * random valid policies (contiguous, non-overlapping steps, some with an open end), both alarm
 * directions, all three adjustment types, MinAdjustmentMagnitude, breaches exactly on step bounds
 * and the threshold, cooldown histories (scale-outs and scale-ins at every age), and the target's
 * bounds, capacity sometimes outside them. Both must end at the same capacity from the same step.
 *
 * <p>Kept to what both define the same way: copyscale's guardrail is off (Integer.MAX_VALUE: AAS
 * has none), the breaching datapoint lies on the alarm's side of the threshold (CloudWatch only
 * invokes a policy with one), and an in-flight scale-out has not been overtaken (capacity at most
 * the capacity it reached: after a later rise by something else, AWS does not say how much of the
 * old scale-out still counts; the twin counts what it added, copyscale measures from before it).
 */
class NativeStepDifferentialTest {
  static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");
  static final String[] TYPES = {"ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"};
  static final int CASES = 3000;

  /**
   * One generated case: the policy as AAS stores it, the alarm's datapoint and the target's state.
   */
  record Case(
      int n,
      StepScalingPolicyConfiguration policy,
      double metric,
      double threshold,
      boolean below,
      int capacity,
      int min,
      int max,
      List<int[]> changes,
      List<Long> ages) {
    @Override
    public String toString() {
      return "#"
          + n
          + " "
          + policy.adjustmentTypeAsString()
          + " mam="
          + policy.minAdjustmentMagnitude()
          + " cooldown="
          + policy.cooldown()
          + " steps="
          + policy.stepAdjustments().stream()
              .map(
                  s ->
                      "["
                          + s.metricIntervalLowerBound()
                          + ","
                          + s.metricIntervalUpperBound()
                          + "):"
                          + s.scalingAdjustment())
              .toList()
          + " metric="
          + metric
          + " threshold="
          + threshold
          + (below ? " below" : " above")
          + " capacity="
          + capacity
          + " in ["
          + min
          + ","
          + max
          + "]"
          + " changes="
          + changes.stream().map(c -> c[0] + "->" + c[1]).toList()
          + " agesSeconds="
          + ages;
    }

    History history() {
      History h = History.NONE;
      for (int i = 0; i < changes.size(); i++) {
        h = h.after(NOW.minusSeconds(ages.get(i)), changes.get(i)[0], changes.get(i)[1]);
      }
      return h;
    }

    Cooldowns cooldowns() {
      Cooldowns c = Cooldowns.NONE;
      for (int i = 0; i < changes.size(); i++) {
        c = c.afterChange(NOW.minusSeconds(ages.get(i)), changes.get(i)[0], changes.get(i)[1]);
      }
      return c;
    }

    /**
     * The same policy as copyscale's spec types take it; a missing cooldown is AAS's default, 300
     * s.
     */
    DeploymentSpec.StepPolicy spec() {
      List<DeploymentSpec.Step> steps =
          policy.stepAdjustments().stream()
              .map(
                  s ->
                      new DeploymentSpec.Step(
                          Optional.ofNullable(s.metricIntervalLowerBound()),
                          Optional.ofNullable(s.metricIntervalUpperBound()),
                          s.scalingAdjustment()))
              .toList();
      return new DeploymentSpec.StepPolicy(
          "p",
          false,
          DeploymentSpec.Engine.NATIVE,
          null,
          dev.copyscale.spec.AdjustmentType.byAwsName(policy.adjustmentTypeAsString())
              .orElseThrow(),
          steps,
          policy.cooldown() == null ? NativeScaling.DEFAULT_COOLDOWN_SECONDS : policy.cooldown(),
          Optional.ofNullable(policy.minAdjustmentMagnitude()),
          "Average");
    }

    StepOutcome twin() {
      return NativeScaling.step(
          policy, metric, threshold, below, capacity, min, max, history(), NOW);
    }

    StepDecision copyscale() {
      return StepScaling.decide(
          spec(),
          new StepScaling.Inputs(
              metric,
              threshold,
              below,
              capacity,
              min,
              max,
              new dev.copyscale.scaling.capacity.Guardrail(Integer.MAX_VALUE, "none"),
              cooldowns(),
              NOW));
    }
  }

  static Stream<Case> cases() {
    Random random = new Random(20261125L);
    List<Case> cases = new ArrayList<>();
    for (int n = 0; n < CASES; n++) {
      cases.add(generate(n, random));
    }
    return cases.stream();
  }

  /**
   * A value on a grid of quarters (so sums and differences are exact), or now and then any double.
   */
  static double value(Random r, double scale) {
    return r.nextInt(8) == 0
        ? (r.nextDouble() * 2 - 1) * scale
        : Math.round((r.nextDouble() * 2 - 1) * scale * 4) / 4.0;
  }

  static Case generate(int n, Random r) {
    boolean below = r.nextBoolean();
    String type = TYPES[r.nextInt(TYPES.length)];
    // Step bounds: sorted distinct offsets on the alarm's side of the threshold (usually starting
    // at
    // it), sometimes one on the other side too.
    // Now and then the steps start beyond the threshold, leaving a stretch no step covers.
    TreeSet<Double> cuts = new TreeSet<>();
    if (r.nextInt(6) != 0) {
      cuts.add(0.0);
    }
    int more = r.nextInt(4);
    while (cuts.size() < more + 1) {
      double v = Math.abs(value(r, 40));
      if (v > 0) {
        cuts.add(below ? -v : v);
      }
    }
    if (r.nextInt(5) == 0) {
      double v = Math.abs(value(r, 10)) + 0.25;
      cuts.add(below ? v : -v);
    }
    List<Double> bounds = new ArrayList<>(cuts);
    boolean openLow = r.nextBoolean() || below;
    boolean openHigh = r.nextBoolean() || !below;
    List<Double> lowers = new ArrayList<>();
    List<Double> uppers = new ArrayList<>();
    if (openLow) {
      lowers.add(null);
      uppers.add(bounds.get(0));
    }
    for (int i = 0; i + 1 < bounds.size(); i++) {
      lowers.add(bounds.get(i));
      uppers.add(bounds.get(i + 1));
    }
    if (openHigh || lowers.isEmpty()) {
      lowers.add(bounds.get(bounds.size() - 1));
      uppers.add(null);
    }
    List<StepAdjustment> steps = new ArrayList<>();
    for (int i = 0; i < lowers.size(); i++) {
      int sign = below ? -1 : 1;
      int adjustment =
          switch (type) {
            case "ExactCapacity" -> r.nextInt(25);
            case "PercentChangeInCapacity" ->
                r.nextInt(6) == 0
                    ? 0
                    : sign
                        * (1 + r.nextInt(r.nextBoolean() ? 40 : 200))
                        * (r.nextInt(10) == 0 ? -1 : 1);
            default ->
                r.nextInt(6) == 0 ? 0 : sign * (1 + r.nextInt(6)) * (r.nextInt(10) == 0 ? -1 : 1);
          };
      steps.add(
          StepAdjustment.builder()
              .metricIntervalLowerBound(lowers.get(i))
              .metricIntervalUpperBound(uppers.get(i))
              .scalingAdjustment(adjustment)
              .build());
    }
    if (r.nextBoolean()) {
      java.util.Collections.shuffle(steps, r); // AAS takes the steps in any order
    }
    Integer minMagnitude =
        type.equals("PercentChangeInCapacity") && r.nextBoolean() ? 1 + r.nextInt(5) : null;
    Integer cooldown =
        r.nextInt(4) == 0 ? null : new int[] {0, 30, 60, 120, 300, 600}[r.nextInt(6)];
    StepScalingPolicyConfiguration policy =
        StepScalingPolicyConfiguration.builder()
            .adjustmentType(type)
            .cooldown(cooldown)
            .minAdjustmentMagnitude(minMagnitude)
            .metricAggregationType("Average")
            .stepAdjustments(steps)
            .build();

    // The datapoint: on a bound, on the threshold, or anywhere on the alarm's side.
    double threshold = r.nextInt(3) == 0 ? value(r, 100) : r.nextInt(50);
    double breach =
        switch (r.nextInt(4)) {
          case 0 -> bounds.get(r.nextInt(bounds.size()));
          case 1 -> 0.0;
          default -> Math.abs(value(r, 60));
        };
    breach = below ? -Math.abs(breach) : Math.abs(breach);
    double metric = threshold + breach;
    if (metric - threshold != breach) {
      metric = threshold; // keep the datapoint where it was meant to be: exactly on the threshold
    }

    int min = r.nextInt(4);
    int max = min + r.nextInt(25);
    int capacity = r.nextInt(10) == 0 ? r.nextInt(40) : min + r.nextInt(max - min + 1);

    // Up to three earlier changes, oldest first, at ages around the cooldown.
    List<int[]> changes = new ArrayList<>();
    List<Long> ages = new ArrayList<>();
    int events = r.nextInt(4);
    long age = r.nextInt(1500);
    for (int i = 0; i < events; i++) {
      age = Math.max(0, age - r.nextInt(400));
      boolean out = r.nextBoolean();
      int from;
      int to;
      if (out) {
        from = r.nextInt(capacity + 3);
        to = Math.max(from + 1, capacity + r.nextInt(3));
      } else {
        from = capacity + 1 + r.nextInt(4);
        to = capacity;
      }
      changes.add(new int[] {from, to});
      ages.add(age);
    }
    return new Case(n, policy, metric, threshold, below, capacity, min, max, changes, ages);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theTwinsNativeStepScalingAndCopyscalesAgree(Case c) {
    StepOutcome twin = c.twin();
    StepDecision copyscale = c.copyscale();
    assertThat(twin.stepIndex())
        .as("step matched; copyscale: %s; twin: %s", copyscale.reason(), twin.reason())
        .isEqualTo(copyscale.step().orElse(-1));
    assertThat(twin.to())
        .as("capacity after; copyscale: %s; twin: %s", copyscale.reason(), twin.reason())
        .isEqualTo(copyscale.to());
    assertThat(twin.scaled()).isEqualTo(copyscale.scaled());
  }

  /**
   * The generated cases reach every outcome: out, in, clamped to either bound, held by a cooldown,
   * no step.
   */
  @Test
  void theCasesCoverEveryKindOfOutcome() {
    int out = 0;
    int in = 0;
    int atMax = 0;
    int atMin = 0;
    int inFlight = 0;
    int scaleInCooldown = 0;
    int noStep = 0;
    int percentMagnitude = 0;
    int onABound = 0;
    for (Case c : cases().toList()) {
      StepOutcome o = c.twin();
      out += o.to() > o.from() ? 1 : 0;
      in += o.to() < o.from() ? 1 : 0;
      atMax += o.scaled() && o.to() == c.max() && o.desired() > c.max() ? 1 : 0;
      atMin += o.scaled() && o.to() == c.min() && o.desired() < c.min() ? 1 : 0;
      inFlight += o.reason().contains("scale-out in progress") ? 1 : 0;
      scaleInCooldown += o.reason().startsWith("scale-in cooldown") ? 1 : 0;
      noStep += o.stepIndex() < 0 ? 1 : 0;
      percentMagnitude += o.scaled() && c.policy().minAdjustmentMagnitude() != null ? 1 : 0;
      double breach = c.metric() - c.threshold();
      onABound +=
          c.policy().stepAdjustments().stream()
                  .anyMatch(
                      s ->
                          Double.valueOf(breach).equals(s.metricIntervalLowerBound())
                              || Double.valueOf(breach).equals(s.metricIntervalUpperBound()))
              ? 1
              : 0;
    }
    assertThat(
            List.of(
                out,
                in,
                atMax,
                atMin,
                inFlight,
                scaleInCooldown,
                noStep,
                percentMagnitude,
                onABound))
        .as(
            "out, in, at max, at min, held by an in-flight scale-out, by a scale-in cooldown, no"
                + " step, percent with a minimum magnitude, on a bound")
        .allSatisfy(count -> assertThat(count).isGreaterThan(20));
  }
}

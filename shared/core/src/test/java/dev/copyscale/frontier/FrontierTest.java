package dev.copyscale.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.frontier.Frontier.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontierTest {
  static final Point CHEAP = new Point("cheap", 10, 0.90);
  static final Point MIDDLE = new Point("middle", 14, 0.97);
  static final Point DEAR = new Point("dear", 20, 0.995);
  static final Point WORSE = new Point("worse", 15, 0.95); // dominated by middle
  static final Point SAME_COST_WORSE = new Point("same-cost-worse", 14, 0.96);
  static final Point SAME_ATTAINMENT_DEARER = new Point("dearer", 12, 0.90);

  @Test
  void keepsOnlyPointsNoOtherBeatsOnBothCountsCheapestFirst() {
    List<Point> all = List.of(DEAR, WORSE, CHEAP, SAME_COST_WORSE, MIDDLE, SAME_ATTAINMENT_DEARER);
    assertThat(Frontier.pareto(all)).containsExactly(CHEAP, MIDDLE, DEAR);
  }

  @Test
  void ofEqualPointsTheFirstStandsForThem() {
    Point twin = new Point("twin", 14, 0.97);
    assertThat(Frontier.pareto(List.of(twin, MIDDLE))).containsExactly(twin);
    assertThat(Frontier.pareto(List.of(MIDDLE, twin))).containsExactly(MIDDLE);
  }

  @Test
  void aPointDominatesOnlyWhenBetterOnOneCountAndNoWorseOnTheOther() {
    assertThat(MIDDLE.dominates(WORSE)).isTrue();
    assertThat(CHEAP.dominates(SAME_ATTAINMENT_DEARER)).isTrue();
    assertThat(MIDDLE.dominates(new Point("twin", 14, 0.97))).isFalse();
    assertThat(CHEAP.dominates(MIDDLE)).isFalse();
    assertThat(MIDDLE.dominates(CHEAP)).isFalse();
  }

  @Test
  void ratioIsTheCostOverTheCheapestFrontierPointReachingTheSameAttainment() {
    List<Point> frontier = Frontier.pareto(List.of(CHEAP, MIDDLE, DEAR));
    // 95 % needs the middle point (14): 15 / 14.
    assertThat(Frontier.ratio(WORSE, frontier)).hasValueCloseTo(15 / 14.0, within());
    assertThat(Frontier.ratio(MIDDLE, frontier)).hasValueCloseTo(1.0, within());
    // 90 %: the cheap point is enough.
    assertThat(Frontier.ratio(SAME_ATTAINMENT_DEARER, frontier)).hasValueCloseTo(1.2, within());
    // Beyond every point searched: no ratio.
    assertThat(Frontier.ratio(new Point("better", 30, 0.999), frontier)).isEmpty();
  }

  @Test
  void choosesTheCheapestReachingTheObjectiveElseTheBestAttainment() {
    List<Point> points = List.of(DEAR, WORSE, CHEAP, MIDDLE);
    assertThat(Frontier.choose(points, 0.95)).isEqualTo(MIDDLE);
    assertThat(Frontier.choose(points, 0.90)).isEqualTo(CHEAP);
    assertThat(Frontier.choose(points, 0.999)).isEqualTo(DEAR);
    Point sameButCheaper = new Point("same-but-cheaper", 18, 0.995);
    assertThat(Frontier.choose(List.of(DEAR, sameButCheaper), 0.999)).isEqualTo(sameButCheaper);
    assertThatThrownBy(() -> Frontier.choose(List.of(), 0.99))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRestIsWhatTheWholeRunAddsToTheFirstParts() {
    // 1,000 requests, 950 within, $20 over the whole trace; the first 400, 396 within, $8.
    Point rest =
        Frontier.remainder(
            "spec", new Point("spec", 20, 0.95), 1000, new Point("spec", 8, 0.99), 400);
    assertThat(rest.costUsd()).isEqualTo(12);
    assertThat(rest.attainment()).isCloseTo(554 / 600.0, within());
    assertThat(rest.name()).isEqualTo("spec");
    assertThatThrownBy(
            () ->
                Frontier.remainder(
                    "spec", new Point("spec", 20, 0.95), 400, new Point("spec", 8, 0.99), 400))
        .hasMessageContaining("spec: the first part holds 400 of 400 requests");
  }

  @Test
  void refusesFiguresThatAreNotACostOrAShare() {
    assertThatThrownBy(() -> new Point("x", Double.NaN, 0.5)).hasMessageContaining("x: cost");
    assertThatThrownBy(() -> new Point("x", 1, 1.5)).hasMessageContaining("x: attainment");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }

  @Test
  void overSeedsAPointIsTheMeanOfEachSeedsCostAndAttainmentWithTheirRange() {
    Frontier.Spread s =
        Frontier.overSeeds(
            "tt",
            List.of(new Point("a", 10, 0.90), new Point("b", 14, 0.96), new Point("c", 12, 0.99)));
    assertThat(s.mean().name()).isEqualTo("tt");
    assertThat(s.mean().costUsd()).isCloseTo(12, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(s.mean().attainment())
        .isCloseTo(0.95, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(s.minCostUsd()).isEqualTo(10);
    assertThat(s.maxCostUsd()).isEqualTo(14);
    assertThat(s.minAttainment()).isEqualTo(0.90);
    assertThat(s.maxAttainment()).isEqualTo(0.99);
    assertThat(s.seeds()).isEqualTo(3);
    assertThat(s.varies()).isTrue();
  }

  @Test
  void oneSeedOrSeedsThatAgreeHaveNoSpread() {
    Frontier.Spread one = Frontier.overSeeds("x", List.of(MIDDLE));
    assertThat(one.mean()).isEqualTo(new Point("x", 14, 0.97));
    assertThat(one.varies()).isFalse();
    Frontier.Spread same = Frontier.overSeeds("x", List.of(MIDDLE, MIDDLE, MIDDLE));
    assertThat(same.mean().attainment()).isEqualTo(0.97);
    assertThat(same.varies()).isFalse();
    // A mean of shares at 1 stays within [0, 1] whatever the rounding.
    assertThat(
            Frontier.overSeeds("x", List.of(new Point("a", 1, 1), new Point("b", 1, 1)))
                .mean()
                .attainment())
        .isEqualTo(1);
    assertThatThrownBy(() -> Frontier.overSeeds("x", List.of())).hasMessageContaining("x");
  }
}

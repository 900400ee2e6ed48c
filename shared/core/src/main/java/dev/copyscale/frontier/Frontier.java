package dev.copyscale.frontier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The cost-versus-attainment frontier of a set of configurations run on one trace: the Pareto set,
 * the configurations no other beats on both counts (as cheap or cheaper and at least as good, one
 * of the two strictly). Every figure is a configuration's cost over the trace and its share of
 * requests within the objective.
 */
public final class Frontier {
  private Frontier() {}

  /**
   * A configuration's result on a trace.
   *
   * @param name the configuration's name
   * @param costUsd what it cost over the trace
   * @param attainment the share of requests within the objective, 0 to 1
   */
  public record Point(String name, double costUsd, double attainment) {
    public Point {
      if (!(costUsd >= 0) || Double.isInfinite(costUsd)) {
        throw new IllegalArgumentException(name + ": cost must be a finite figure >= 0");
      }
      if (!(attainment >= 0 && attainment <= 1)) {
        throw new IllegalArgumentException(name + ": attainment must be a share from 0 to 1");
      }
    }

    /** True when this point is as cheap and as good as {@code other}, and better on one count. */
    public boolean dominates(Point other) {
      return costUsd <= other.costUsd
          && attainment >= other.attainment
          && (costUsd < other.costUsd || attainment > other.attainment);
    }
  }

  /**
   * A configuration's results over several seeds (each seed draws a synthetic trace anew and the
   * routing's random choices): its point is the mean cost and mean attainment, each seed weighing
   * the same; the least and most of each say how far one seed's luck moves it.
   *
   * @param mean the mean over seeds, under the configuration's name
   * @param seeds how many seeds
   */
  public record Spread(
      Point mean,
      double minCostUsd,
      double maxCostUsd,
      double minAttainment,
      double maxAttainment,
      int seeds) {

    /** True when some seed's result differs from another's. */
    public boolean varies() {
      return minCostUsd != maxCostUsd || minAttainment != maxAttainment;
    }
  }

  /**
   * The mean and range of one configuration's results {@code perSeed}, under {@code name}.
   *
   * @throws IllegalArgumentException for no results
   */
  public static Spread overSeeds(String name, List<Point> perSeed) {
    if (perSeed.isEmpty()) {
      throw new IllegalArgumentException(name + ": no seed's result to average");
    }
    double cost = 0;
    double attainment = 0;
    double minCost = Double.POSITIVE_INFINITY;
    double maxCost = Double.NEGATIVE_INFINITY;
    double minAttainment = Double.POSITIVE_INFINITY;
    double maxAttainment = Double.NEGATIVE_INFINITY;
    for (Point p : perSeed) {
      cost += p.costUsd();
      attainment += p.attainment();
      minCost = Math.min(minCost, p.costUsd());
      maxCost = Math.max(maxCost, p.costUsd());
      minAttainment = Math.min(minAttainment, p.attainment());
      maxAttainment = Math.max(maxAttainment, p.attainment());
    }
    int n = perSeed.size();
    // The mean of shares in [0, 1] is one; rounding cannot carry it past the ends.
    Point mean =
        new Point(name, cost / n, Math.max(minAttainment, Math.min(maxAttainment, attainment / n)));
    return new Spread(mean, minCost, maxCost, minAttainment, maxAttainment, n);
  }

  /**
   * The points no other point dominates, cheapest first (so attainment rises along it). Of points
   * with the same cost and attainment, the first given stands for them.
   */
  public static List<Point> pareto(List<Point> points) {
    List<Point> sorted = new ArrayList<>(points);
    // Cheapest first; at one cost the best first, so the rest at that cost are dominated by it.
    sorted.sort(
        Comparator.comparingDouble(Point::costUsd)
            .thenComparing(Comparator.comparingDouble(Point::attainment).reversed()));
    List<Point> frontier = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Point p : sorted) {
      if (p.attainment() > best) {
        frontier.add(p);
        best = p.attainment();
      }
    }
    return List.copyOf(frontier);
  }

  /**
   * The cheapest point of {@code frontier} that reaches {@code attainment}; empty when none does.
   */
  public static Optional<Point> cheapestReaching(List<Point> frontier, double attainment) {
    return frontier.stream()
        .filter(p -> p.attainment() >= attainment)
        .min(Comparator.comparingDouble(Point::costUsd));
  }

  /**
   * What {@code p} costs relative to the cheapest point of {@code frontier} that reaches its
   * attainment: 1.06 is 6 % more than it needed to. Empty when no point of the frontier reaches it
   * (then {@code p} lies beyond what was searched), or when that point cost nothing.
   */
  public static OptionalDouble ratio(Point p, List<Point> frontier) {
    return cheapestReaching(frontier, p.attainment())
        .filter(q -> q.costUsd() > 0)
        .map(q -> OptionalDouble.of(p.costUsd() / q.costUsd()))
        .orElse(OptionalDouble.empty());
  }

  /**
   * A configuration's figures on the part of a trace after a cut, from its run on the whole trace
   * and its run on the part before the cut (the same configuration, seed and start, so the two runs
   * are the same up to the cut): what the whole run adds to the first part's. The configuration
   * runs on through the cut in the state the first part left it, as it would deployed. Requests
   * that arrive before the cut are the first part's in both runs.
   *
   * @throws IllegalArgumentException when the first part holds more requests than the whole trace
   *     or every request
   */
  public static Point remainder(
      String name, Point whole, long wholeRequests, Point first, long firstRequests) {
    long rest = wholeRequests - firstRequests;
    if (firstRequests < 0 || rest <= 0) {
      throw new IllegalArgumentException(
          name
              + ": the first part holds "
              + firstRequests
              + " of "
              + wholeRequests
              + " requests; the rest must hold some");
    }
    double within =
        Math.round(whole.attainment() * wholeRequests)
            - Math.round(first.attainment() * firstRequests);
    double attainment = Math.max(0, Math.min(1, within / rest));
    return new Point(name, Math.max(0, whole.costUsd() - first.costUsd()), attainment);
  }

  /**
   * The configuration to recommend for an objective of {@code attainment}: the cheapest that
   * reaches it, else (none does) the one with the highest attainment, the cheaper of equals.
   *
   * @throws IllegalArgumentException for no points
   */
  public static Point choose(List<Point> points, double attainment) {
    if (points.isEmpty()) {
      throw new IllegalArgumentException("no configuration to choose from");
    }
    return cheapestReaching(points, attainment)
        .orElseGet(
            () ->
                points.stream()
                    .max(
                        Comparator.comparingDouble(Point::attainment)
                            .thenComparing(Comparator.comparingDouble(Point::costUsd).reversed()))
                    .orElseThrow());
  }
}

package dev.copyscale.cli.report;

import dev.copyscale.twin.sim.Summary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One configuration judged against the objective, in one line: the cheapest that meets it is the
 * best; others meet it at a cost above the best's, or miss it.
 *
 * @param kind BEST, MEETS or MISSES
 * @param text the line the table and the page print
 */
public record Verdict(Kind kind, String text) {
  public enum Kind {
    BEST,
    MEETS,
    MISSES
  }

  /**
   * The verdicts for {@code summaries}, in their order. The best is the cheapest configuration that
   * meets the objective (higher attainment breaks a tie; a configuration of unknown cost is best
   * only when no cost is known).
   */
  public static List<Verdict> of(List<Summary> summaries, Objective objective) {
    Summary best = best(summaries, objective);
    List<Verdict> verdicts = new ArrayList<>();
    for (Summary s : summaries) {
      if (s == best) {
        verdicts.add(new Verdict(Kind.BEST, "best: cheapest to meet " + objective.share()));
      } else if (objective.metBy(s.sloAttainment())) {
        double more = s.costUsd() - best.costUsd();
        verdicts.add(
            new Verdict(
                Kind.MEETS,
                "meets "
                    + objective.share()
                    + (Double.isFinite(more) ? ", " + Units.usd(more) + " more" : "")));
      } else {
        verdicts.add(
            new Verdict(
                Kind.MISSES,
                "misses " + objective.share() + ": " + Units.percent(s.sloAttainment())));
      }
    }
    return verdicts;
  }

  /** The best configuration meeting the objective, or null when none does. */
  static Summary best(List<Summary> summaries, Objective objective) {
    Comparator<Summary> cheaper =
        Comparator.comparingDouble(
            (Summary s) -> Double.isFinite(s.costUsd()) ? s.costUsd() : Double.MAX_VALUE);
    return summaries.stream()
        .filter(s -> objective.metBy(s.sloAttainment()))
        .min(cheaper.thenComparing(Comparator.comparingDouble(Summary::sloAttainment).reversed()))
        .orElse(null);
  }
}

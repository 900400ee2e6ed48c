import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table of bench/frontier.sh, from the {@code frontier --json} output of each trace. Run in
 * source-file mode with Jackson from the CLI jar:
 *
 * <pre>java -cp cli/target/copyscale.jar bench/FrontierTable.java LABEL=FILE ...</pre>
 *
 * Each FILE's "placed" holds engine slo, the tutorial's target tracking (TT) and the step spec, in
 * that order (the order bench/frontier.sh places them). The verdicts, by issue 22's first "Done
 * when", compare engine slo with every reactive configuration of the search family
 * ("configurations" of kind "reactive": step specs and target tracking), by their unrounded mean
 * figures over the seeds:
 *
 * <ul>
 *   <li>better: PASS if none reaches slo's attainment + 0.5 points at no more than 110 % of its
 *       cost;
 *   <li>as good: PASS if none reaches slo's attainment − 0.5 points for less than 1/1.1 of its
 *       cost;
 *   <li>vs TT: a configuration beats TT if its attainment ≥ min(TT's, 99 %) at no more than 80 %
 *       of TT's cost, or ≥ TT's + 5 points at no more than TT's cost (issue 15's rule); PASS if
 *       engine slo beats TT, or no reactive configuration does.
 * </ul>
 *
 * Each failing verdict names the reactive configuration that breaks it (the cheapest such). A
 * trace whose file is missing or unreadable gets a row saying so and counts as no pass.
 */
public class FrontierTable {
  record Figures(String name, double attainment, double cost) {}

  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    System.out.println("attainment = share of requests with TTFT <= 2 s; $ = instance cost of the run (USD), means over the seeds");
    System.out.println("slo = examples/simulate/slo.yaml, TT = bench/slo/tutorial-target-tracking.yaml, step = bench/slo/step-two-instances.yaml;"
        + " family = the frontier's reactive configurations");
    System.out.println("seeds = runs a configuration's figures are the mean of (a recorded trace plays the same whatever the seed: once)");
    System.out.println("better: no family spec reaches slo + 0.5 points for <= 110 % of its cost; as good: none reaches slo - 0.5 points for < 1/1.1 of it;"
        + " vs TT: family beats TT? / slo beats TT?");
    System.out.printf(Locale.ROOT, "%-72s %5s %8s %9s %8s %8s %9s %8s %9s %-6s %-6s %-9s%n", "trace", "seeds", "slo att", "slo $",
        "x front", "TT att", "TT $", "step att", "step $", "better", "asgood", "vs TT");
    int better = 0;
    int asGood = 0;
    int familyBeatsTt = 0;
    int sloBeatsTt = 0;
    int vsTt = 0;
    List<String> notes = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.lastIndexOf('=');
      String label = arg.substring(0, eq);
      JsonNode root;
      Figures slo;
      Figures tt;
      Figures step;
      try {
        root = mapper.readTree(new File(arg.substring(eq + 1)));
        JsonNode placed = root.get("placed");
        slo = figures(placed.get(0));
        tt = figures(placed.get(1));
        step = figures(placed.get(2));
      } catch (Exception e) {
        System.out.printf(Locale.ROOT, "%-72s no result (%s: the frontier run failed or was cut short, see its error above)%n",
            label, e.getClass().getSimpleName());
        continue;
      }
      List<Figures> family = new ArrayList<>();
      for (JsonNode c : root.get("configurations")) {
        if ("reactive".equals(c.get("kind").asText())) {
          family.add(figures(c));
        }
      }
      Figures moreForLittle = cheapest(family, f -> f.attainment() >= slo.attainment() + 0.005 && f.cost() <= 1.10 * slo.cost());
      Figures sameForLess = cheapest(family, f -> f.attainment() >= slo.attainment() - 0.005 && f.cost() < slo.cost() / 1.1);
      Figures beatsTt = cheapest(family, f -> beats(f, tt));
      boolean sloBeats = beats(slo, tt);
      boolean ttVerdict = sloBeats || beatsTt == null;
      better += moreForLittle == null ? 1 : 0;
      asGood += sameForLess == null ? 1 : 0;
      familyBeatsTt += beatsTt == null ? 0 : 1;
      sloBeatsTt += sloBeats ? 1 : 0;
      vsTt += ttVerdict ? 1 : 0;
      JsonNode ratio = root.get("placed").get(0).get("ratio");
      System.out.printf(Locale.ROOT, "%-72s %5d %7.2f%% %9.2f %8s %7.2f%% %9.2f %7.2f%% %9.2f %-6s %-6s %-9s%n", label,
          root.path("seedsChangeRuns").asBoolean() ? root.get("seeds").size() : 1, 100 * slo.attainment(), slo.cost(),
          ratio == null || ratio.isNull() ? "beyond" : String.format(Locale.ROOT, "x%.3f", ratio.asDouble()),
          100 * tt.attainment(), tt.cost(), 100 * step.attainment(), step.cost(),
          moreForLittle == null ? "PASS" : "FAIL", sameForLess == null ? "PASS" : "FAIL",
          (beatsTt == null ? "no" : "yes") + "/" + (sloBeats ? "yes" : "no") + " " + (ttVerdict ? "PASS" : "FAIL"));
      if (moreForLittle != null) {
        notes.add(label + ": better FAIL: " + describe(moreForLittle, slo));
      }
      if (sameForLess != null) {
        notes.add(label + ": as good FAIL: " + describe(sameForLess, slo));
      }
      if (beatsTt != null) {
        notes.add(label + ": beats TT: " + describe(beatsTt, tt) + " (the cheapest that does)");
      }
    }
    notes.forEach(n -> System.out.println("  " + n));
    int n = args.length;
    System.out.printf(Locale.ROOT, "better (none reaches 0.5 points more for <= 110 %% of the cost): %d/%d%n", better, n);
    System.out.printf(Locale.ROOT, "as good (none reaches its attainment less 0.5 points for < 1/1.1 of the cost): %d/%d%n", asGood, n);
    System.out.printf(Locale.ROOT, "vs TT (slo beats TT wherever a family spec does; the family does on %d, slo on %d): %d/%d%n",
        familyBeatsTt, sloBeatsTt, vsTt, n);
  }

  /** Issue 15's rule: x beats TT at TT's attainment (capped at 99 %) for 80 % of its cost, or by 5 points at its cost. */
  static boolean beats(Figures x, Figures tt) {
    return (x.attainment() >= Math.min(tt.attainment(), 0.99) && x.cost() <= 0.80 * tt.cost())
        || (x.attainment() >= tt.attainment() + 0.05 && x.cost() <= tt.cost());
  }

  static Figures cheapest(List<Figures> family, java.util.function.Predicate<Figures> rule) {
    Figures best = null;
    for (Figures f : family) {
      if (rule.test(f) && (best == null || f.cost() < best.cost()
          || (f.cost() == best.cost() && f.attainment() > best.attainment()))) {
        best = f;
      }
    }
    return best;
  }

  static String describe(Figures f, Figures against) {
    return String.format(Locale.ROOT, "%s %.2f%% $%.2f (%+.2f points, x%.3f the cost of %s's %.2f%% $%.2f)", f.name(),
        100 * f.attainment(), f.cost(), 100 * (f.attainment() - against.attainment()), f.cost() / against.cost(),
        against.name(), 100 * against.attainment(), against.cost());
  }

  static Figures figures(JsonNode c) {
    return new Figures(c.get("name").asText(), number(c.get("attainment")), number(c.get("costUsd")));
  }

  /** A JSON number; null (NaN in the run) is NaN, which passes no comparison. */
  static double number(JsonNode n) {
    return n == null || n.isNull() ? Double.NaN : n.asDouble();
  }
}

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The acceptance table of bench/slo.sh, from the {@code simulate --json} output of each trace.
 * Run in source-file mode with Jackson from the CLI jar:
 *
 * <pre>java -cp cli/target/copyscale.jar bench/SloTable.java LABEL=FILE ...</pre>
 *
 * Each FILE holds {"results": [target tracking, step spec, slo]} in that order (the order
 * bench/slo.sh passes the specs). Verdicts use the unrounded figures, by issue 15's rules:
 * <ul>
 *   <li>vs target tracking: PASS if slo attainment ≥ min(TT attainment, 99 %) and slo cost ≤ 80 % of
 *       TT cost, or slo attainment ≥ TT attainment + 5 points and slo cost ≤ TT cost;
 *   <li>vs the step spec: PASS if slo attainment ≥ step attainment − 0.5 points and slo cost ≤
 *       110 % of step cost.
 * </ul>
 * A trace whose file is missing or unreadable gets a row saying so and counts as no pass.
 */
public class SloTable {
  record Figures(String spec, double attainment, double cost) {}

  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String header = String.format(Locale.ROOT, "%-72s %8s %9s %8s %9s %8s %9s  %-7s %-7s",
        "trace", "TT att", "TT $", "step att", "step $", "slo att", "slo $", "vs TT", "vs step");
    System.out.println("attainment = share of requests with TTFT <= 2 s; $ = instance cost of the run (USD)");
    System.out.println("TT = bench/slo/tutorial-target-tracking.yaml, step = bench/slo/step-two-instances.yaml, slo = examples/simulate/slo.yaml");
    System.out.println(header);
    int passTt = 0;
    int passStep = 0;
    List<String> specs = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.lastIndexOf('=');
      String label = arg.substring(0, eq);
      File file = new File(arg.substring(eq + 1));
      Figures[] f;
      try {
        JsonNode results = mapper.readTree(file).get("results");
        f = new Figures[3];
        for (int i = 0; i < 3; i++) {
          JsonNode r = results.get(i);
          f[i] = new Figures(r.get("spec").asText(), number(r.get("sloAttainment")), number(r.get("costUsd")));
        }
      } catch (Exception e) {
        System.out.printf(Locale.ROOT, "%-72s no result (%s)%n", label, e.getClass().getSimpleName());
        continue;
      }
      if (specs.isEmpty()) {
        specs = List.of(f[0].spec(), f[1].spec(), f[2].spec());
      }
      Figures tt = f[0];
      Figures step = f[1];
      Figures slo = f[2];
      boolean vsTt = (slo.attainment() >= Math.min(tt.attainment(), 0.99) && slo.cost() <= 0.80 * tt.cost())
          || (slo.attainment() >= tt.attainment() + 0.05 && slo.cost() <= tt.cost());
      boolean vsStep = slo.attainment() >= step.attainment() - 0.005 && slo.cost() <= 1.10 * step.cost();
      passTt += vsTt ? 1 : 0;
      passStep += vsStep ? 1 : 0;
      System.out.printf(Locale.ROOT, "%-72s %7.2f%% %9.2f %7.2f%% %9.2f %7.2f%% %9.2f  %-7s %-7s%n", label,
          100 * tt.attainment(), tt.cost(), 100 * step.attainment(), step.cost(), 100 * slo.attainment(), slo.cost(),
          vsTt ? "PASS" : "FAIL", vsStep ? "PASS" : "FAIL");
    }
    System.out.printf(Locale.ROOT, "engine slo passes %d of %d against target tracking, %d of %d against the step spec%n",
        passTt, args.length, passStep, args.length);
  }

  /** A JSON number; null (NaN in the run) is NaN, which passes no comparison. */
  static double number(JsonNode n) {
    return n == null || n.isNull() ? Double.NaN : n.asDouble();
  }
}

package dev.copyscale.cli.report;

import java.util.Locale;

/**
 * The service-level objective configurations are judged by: a time to first token within {@code
 * ttftMs} for at least {@code attainment} of all requests (failed ones count against it).
 */
public record Objective(double ttftMs, double attainment) {
  /** The objective `--slo-ttft` and `--slo-attainment` default to: 2 s for 99% of requests. */
  public static final Objective DEFAULT = new Objective(2000, 0.99);

  public boolean metBy(double share) {
    return share >= attainment;
  }

  /** "TTFT <= 2,000 ms for 99% of requests". */
  public String describe() {
    return "TTFT <= " + Units.ms(ttftMs) + " for " + share() + " of requests";
  }

  /** The attainment as people write it: "99%", "99.9%". */
  public String share() {
    return String.format(Locale.ROOT, "%.2f", 100 * attainment).replaceAll("\\.?0+$", "") + "%";
  }
}

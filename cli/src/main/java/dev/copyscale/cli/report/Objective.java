package dev.copyscale.cli.report;

import java.util.Locale;

/**
 * The service-level objective configurations are judged by: a time to first token within {@code
 * ttftMs} and, when {@code itlMs} is positive, a time per output token after the first within it,
 * for at least {@code attainment} of all requests (failed ones count against it).
 */
public record Objective(double ttftMs, double itlMs, double attainment) {
  /** The objective `--slo-ttft` and `--slo-attainment` default to: 2 s for 99% of requests. */
  public static final Objective DEFAULT = new Objective(2000, 0, 0.99);

  public boolean metBy(double share) {
    return share >= attainment;
  }

  /** "TTFT <= 2,000 ms for 99% of requests", "TTFT <= 2,000 ms and ITL <= 50 ms for …". */
  public String describe() {
    return targets(ttftMs, itlMs) + " for " + share() + " of requests";
  }

  /** "TTFT <= 2,000 ms", "TTFT <= 2,000 ms and ITL <= 50 ms". */
  public static String targets(double ttftMs, double itlMs) {
    if (!Double.isFinite(ttftMs)) {
      return "ITL <= " + Units.ms(itlMs); // engine slo's objective may state the ITL alone
    }
    return "TTFT <= " + Units.ms(ttftMs) + (itlMs > 0 ? " and ITL <= " + Units.ms(itlMs) : "");
  }

  /** The attainment as people write it: "99%", "99.9%". */
  public String share() {
    return String.format(Locale.ROOT, "%.2f", 100 * attainment).replaceAll("\\.?0+$", "") + "%";
  }
}

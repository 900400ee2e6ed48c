package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The efficiencies were fitted once, on the bundled table (docs/serving.md, "The calibration"):
 * this re-runs the fit and holds the committed constants to it, and checks the acceptance
 * figures against the table.
 */
class CalibrationTest {
  static final ServingProfile TABLE = ServingProfile.llama3OnA10G();
  static final CopyPhysics LLAMA = Physics.llama8bOnA10G();
  static final TgiLimits LIMITS = Physics.limits(LLAMA, Physics.TABLE_ENV);

  @Test
  void theCommittedEfficienciesAreTheFitOfTheBundledTable() {
    Efficiencies fit =
        Calibration.fit(
            LLAMA::withEfficiencies,
            LIMITS,
            RequestShape.BUNDLED_TABLE,
            Calibration.targets(TABLE));
    assertThat(Efficiencies.CALIBRATED.compute()).isCloseTo(fit.compute(), within(0.01));
    assertThat(Efficiencies.CALIBRATED.bandwidth()).isCloseTo(fit.bandwidth(), within(0.01));
    assertThat(Efficiencies.CALIBRATED.stepOverheadMs())
        .isCloseTo(fit.stepOverheadMs(), within(0.05));
  }

  @Test
  void theTablesClientKeptItsConcurrencyUpTo8AndAbout18RequestsInFlightAbove() {
    List<Calibration.Target> targets = Calibration.targets(TABLE);
    assertThat(targets.stream().filter(Calibration.Target::heldConcurrency).map(t -> t.nominal()))
        .containsExactly(1, 2, 4, 8);
    // Little's law on the table's own rows: at "32" and "64" llmperf's client, on the same 8-vCPU
    // instance as TGI, kept about 18 requests in flight.
    assertThat(targets.get(5).inFlight()).isCloseTo(17.4, within(0.1));
    assertThat(targets.get(6).inFlight()).isCloseTo(18.2, within(0.1));
  }

  /**
   * The acceptance, on the bundled table's request shape: TTFT and ITL at concurrency 1 and
   * peak requests per minute within 15 % (the peak compared at the requests in flight the table's
   * client kept at its peak row, 17.4: its nominal 32 was never reached, see the test above).
   */
  @Test
  void atTheTablesShapeTtftItlAndPeakRequestsPerMinuteAreWithin15PercentOfTheTable() {
    List<Calibration.Residual> residuals =
        Calibration.residuals(
            LLAMA, LIMITS, RequestShape.BUNDLED_TABLE, Calibration.targets(TABLE));
    StringBuilder report = new StringBuilder("calibration residuals:\n");
    residuals.forEach(
        r ->
            report.append(
                String.format(
                    Locale.ROOT,
                    "  %2d (%.1f in flight) %-20s %8.1f vs %8.1f  %+.1f%%%n",
                    r.nominal(),
                    r.inFlight(),
                    r.figure(),
                    r.predicted(),
                    r.measured(),
                    r.error() * 100)));
    System.out.print(report);
    assertThat(error(residuals, 1, "ttft")).isBetween(-0.15, 0.15);
    assertThat(error(residuals, 1, "latency per token")).isBetween(-0.15, 0.15);
    assertThat(error(residuals, 32, "requests per minute")).isBetween(-0.15, 0.15);
    // The decode side fits every row whose client held its concurrency within a few percent.
    for (int c : new int[] {1, 2, 4, 8, 16}) {
      assertThat(error(residuals, c, "latency per token")).as("at %d", c).isBetween(-0.05, 0.05);
      assertThat(error(residuals, c, "requests per minute")).as("at %d", c).isBetween(-0.05, 0.05);
    }
  }

  private static double error(List<Calibration.Residual> residuals, int nominal, String figure) {
    return residuals.stream()
        .filter(r -> r.nominal() == nominal && r.figure().equals(figure))
        .findFirst()
        .orElseThrow()
        .error();
  }
}

package dev.copyscale.slo;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.slo.LoadHistory.Series;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.Arrays;

/** The bundled slo example and load histories shaped for one test. */
final class SloFixtures {
  static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  private SloFixtures() {}

  static DeploymentSpec example() {
    return SpecParser.parse(RepoFiles.read("examples/simulate/slo.yaml")).orThrow();
  }

  static SloCapacity capacity(DeploymentSpec spec) {
    return SloCapacity.of(spec, Catalog.bundled());
  }

  static DeploymentSpec example(String from, String to) {
    return SpecParser.parse(RepoFiles.read("examples/simulate/slo.yaml").replace(from, to))
        .orThrow();
  }

  /**
   * {@code perSecond[i]} requests a second in minute i, served by {@code copies} copies with the
   * latency and concurrency the profile gives at that load (no queueing), none refused.
   */
  static LoadHistory steady(SloCapacity cap, int copies, double... perSecond) {
    int n = perSecond.length;
    LoadHistory.Builder h = LoadHistory.builder(START, n);
    for (int i = 0; i < n; i++) {
      if (perSecond[i] == 0) {
        continue;
      }
      // Little's law solved for the concurrency per copy at which the copies carry this rate.
      double c = 1;
      for (int k = 0; k < 50; k++) {
        c = Math.max(0.01, perSecond[i] * cap.serviceMs(c, 1) / 1000 / copies);
      }
      h.set(Series.INVOCATIONS, i, perSecond[i] * 60)
          .set(Series.LATENCY_MS, i, cap.serviceMs(c, 1))
          .set(Series.CONCURRENCY_PER_COPY, i, c)
          .set(Series.CONCURRENCY_PER_COPY_MAX, i, c)
          .set(Series.INVOCATIONS_PER_COPY, i, perSecond[i] * 60 / copies);
    }
    return h.build();
  }

  static double[] repeat(int minutes, double value) {
    double[] d = new double[minutes];
    Arrays.fill(d, value);
    return d;
  }

  /** {@code history} with one value changed. */
  static LoadHistory with(LoadHistory history, Series series, int minute, double value) {
    LoadHistory.Builder b = LoadHistory.builder(history.start(), history.minutes());
    history
        .toArrays()
        .forEach(
            (s, values) -> {
              for (int i = 0; i < values.length; i++) {
                b.set(s, i, values[i]);
              }
            });
    return b.set(series, minute, value).build();
  }
}

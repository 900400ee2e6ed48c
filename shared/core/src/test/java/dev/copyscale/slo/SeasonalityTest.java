package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class SeasonalityTest {
  /**
   * Bursts of {@code length} minutes every {@code every} minutes over a base, with Poisson-like
   * noise.
   */
  private static double[] bursts(int minutes, int every, int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[minutes];
    for (int i = 0; i < minutes; i++) {
      double mean = i % every < length ? 180 : 30;
      d[i] = Math.max(0, mean + Math.sqrt(mean) * random.nextGaussian());
    }
    return d;
  }

  @Test
  void findsTheBurstsPeriod() {
    assertThat(Seasonality.period(bursts(120, 10, 1, 1))).hasValue(10);
    assertThat(Seasonality.period(bursts(180, 30, 5, 2))).hasValue(30);
  }

  @Test
  void findsADailyCycleInAWeekAtFiveMinuteResolution() {
    int minutes = 3 * 1440;
    double[] d = new double[minutes];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < minutes; i++) {
      d[i] =
          80 * (1 + 0.6 * Math.sin(2 * Math.PI * i / 1440.0)) * (1 + 0.1 * random.nextGaussian());
    }
    // A daily cycle correlates with itself almost as well ten minutes either side: within a
    // resolution step or two.
    assertThat(Seasonality.period(d).getAsInt()).isBetween(1430, 1450);
  }

  @Test
  void noiseARampOrTooShortAHistoryIsNoPattern() {
    SplittableRandom random = new SplittableRandom(4);
    double[] noise = new double[600];
    double[] ramp = new double[600];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = 50 + 7 * random.nextGaussian();
      ramp[i] = i * 0.2;
    }
    assertThat(Seasonality.period(noise)).isEmpty();
    assertThat(Seasonality.period(ramp)).isEmpty();
    assertThat(Seasonality.period(bursts(15, 10, 1, 5))).isEmpty();
    assertThat(Seasonality.period(new double[200])).isEmpty();
  }

  @Test
  void theForecastIsTheLowerOfTheLastTwoCycles() {
    double[] d = new double[60];
    // Bursts at minutes 45 and 55 of an hour-long series: in a 10-minute pattern the next one comes
    // 5 minutes after its end, within the next 6 minutes. Both cycles saw it; the lower counts.
    d[45] = 100;
    d[55] = 90;
    assertThat(Seasonality.forecast(Minutes.of(d), 10, 0, 6)).isEqualTo(90);
    // Seen only once: no forecast.
    d[45] = 0;
    assertThat(Seasonality.forecast(Minutes.of(d), 10, 0, 6)).isZero();
    // Not two cycles of history: nothing.
    assertThat(Seasonality.forecast(Minutes.of(new double[12]), 10, 0, 6)).isZero();
  }

  @Test
  void releasingAllowsForTheHigherOfTheLastTwoCycles() {
    double[] d = new double[60];
    d[45] = 100;
    d[55] = 90;
    assertThat(Seasonality.highest(Minutes.of(d), 10, 0, 6)).isEqualTo(100);
    assertThat(Seasonality.highest(Minutes.of(new double[12]), 10, 0, 6)).isZero();
  }

  @Test
  void aPatternHeldWhenNoMinuteNeededMoreThanTheCyclesBeforeItCountedInWholeUnits() {
    double[] d = bursts(120, 10, 1, 6);
    // Counted in units of 100: the noise never changes a minute's count, so every burst was
    // foretold.
    DoubleUnaryOperator units = v -> Math.ceil(v / 100);
    assertThat(Seasonality.held(Minutes.of(d), 10, 30, units)).isTrue();
    // A burst taller than the two before it, or one out of its place, was not.
    double[] taller = d.clone();
    taller[110] = 400;
    assertThat(Seasonality.held(Minutes.of(taller), 10, 30, units)).isFalse();
    double[] early = d.clone();
    early[115] = 180;
    assertThat(Seasonality.held(Minutes.of(early), 10, 30, units)).isFalse();
    // Without two cycles before the window, nothing was foretold.
    assertThat(Seasonality.held(Minutes.of(bursts(45, 10, 1, 6)), 10, 30, units)).isFalse();
  }
}

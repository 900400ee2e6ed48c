package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RiseTest {
  /** 30 s a request at the operating point: a minute's requests in flight vary by √(d / 2). */
  private static final double SERVICE_MS = 30_000;

  private static final double Z = 2.33;

  private static Rise rise(int leadMinutes, double... demand) {
    return Rise.of(Minutes.of(demand), SERVICE_MS, Z, leadMinutes, 30);
  }

  @Test
  void aStepSeenForOneMinuteIsTakenToRiseOneMinuteMore() {
    // From nothing to 90 in flight in the last minute: it may go on; as long again is 180.
    Rise r = rise(21, 0, 0, 0, 8, 90);
    assertThat(r.rising()).isTrue();
    assertThat(r.minutes()).isEqualTo(2);
    // 0 -> 8 is beyond the noise of 8 in flight too: the rise began two minutes back, from 0,
    // at 45 a minute, and goes on for two more.
    assertThat(r.from()).isEqualTo(0);
    assertThat(r.ahead()).isCloseTo(90 + 90, within(1e-9));
  }

  @Test
  void aRiseGoesOnNoLongerThanTheLeadTime() {
    // Rising 50 a minute for 6 minutes; new capacity serves in 2: where the rise is in 2 minutes.
    Rise r = rise(2, 100, 150, 200, 250, 300, 350, 400);
    assertThat(r.minutes()).isEqualTo(6);
    assertThat(r.ahead()).isCloseTo(400 + 2 * 50, within(1e-9));
    // With a long start-up, as long again as it has lasted: 6 more minutes.
    assertThat(rise(21, 100, 150, 200, 250, 300, 350, 400).ahead())
        .isCloseTo(400 + 6 * 50, within(1e-9));
  }

  @Test
  void aRiseThatStoppedOrAFallIsNoRise() {
    // The step came two minutes back; the last minute is level with the one before.
    Rise stopped = rise(21, 0, 0, 150, 152);
    assertThat(stopped.rising()).isFalse();
    assertThat(stopped.ahead()).isEqualTo(152);
    assertThat(rise(21, 200, 100).rising()).isFalse();
    assertThat(rise(21).ahead()).isZero();
    assertThat(rise(21, 50).rising()).isFalse();
  }

  @Test
  void aLoadNoisierThanPoissonIsJudgedByItsOwnNoise() {
    // 150 in flight with 10 % noise a minute (a difference of two minutes: about 21, where Poisson
    // arrivals give 12): a minute 35 above the one before is within it.
    SplittableRandom random = new SplittableRandom(11);
    double[] d = new double[31];
    for (int i = 0; i < 30; i++) {
      d[i] = 150 * (1 + 0.1 * random.nextGaussian());
    }
    d[30] = d[29] + 35;
    assertThat(Rise.noise(Minutes.of(d), 30)).isBetween(14.0, 30.0);
    assertThat(Rise.of(Minutes.of(d), SERVICE_MS, Z, 21, 30).rising()).isFalse();
    // The same step after a Poisson-quiet look-back is a rise.
    double[] quiet = new double[31];
    Arrays.fill(quiet, 150);
    quiet[30] = 185;
    assertThat(Rise.of(Minutes.of(quiet), SERVICE_MS, Z, 21, 30).rising()).isTrue();
  }

  @Test
  void aSteadyLoadsNoiseIsNotARise() {
    // Poisson arrivals of 300 a minute, 150 in flight at 30 s each: minute to minute they differ by
    // √(2 · 150 / 2) ≈ 12 in flight, and in 10,000 minutes a z of 2.33 takes about 1 % for a rise.
    SplittableRandom random = new SplittableRandom(7);
    double[] d = new double[10_000];
    for (int i = 0; i < d.length; i++) {
      d[i] = poisson(random, 300) * SERVICE_MS / 60_000;
    }
    int rising = 0;
    for (int n = 2; n <= d.length; n++) {
      if (Rise.of(Minutes.of(Arrays.copyOf(d, n)), SERVICE_MS, Z, 21, 30).rising()) {
        rising++;
      }
    }
    assertThat(rising).isBetween(50, 200);
    // A real rise of 30 % in a minute at that load is seen.
    assertThat(rise(21, 150, 195).rising()).isTrue();
  }

  /** A Poisson draw by its normal approximation (mean 300: close enough for the test). */
  private static double poisson(SplittableRandom random, double mean) {
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
  }
}

package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.slo.LoadHistory.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The request size against the profile's, from ModelLatency against the copies' concurrency. */
class RequestSizeTest {
  final SloCapacity cap = SloFixtures.capacity(SloFixtures.example());
  static final Instant START = Instant.parse("2026-11-20T21:17:00Z");

  /** The rule, written plainly: the median ratio over the calm minutes. */
  OptionalDouble plainly(LoadHistory h) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < h.minutes(); i++) {
      if (calm(h, i)) {
        ratios.add(
            h.value(Series.LATENCY_MS, i)
                / cap.serviceMs(h.value(Series.CONCURRENCY_PER_COPY, i), 1));
      }
    }
    if (ratios.size() < RequestSize.MIN_SAMPLES) {
      return OptionalDouble.empty();
    }
    ratios.sort(Double::compare);
    return OptionalDouble.of(ratios.get(ratios.size() / 2));
  }

  static LoadHistory random(Instant start, int minutes, long seed) {
    Random r = new Random(seed);
    LoadHistory.Builder b = LoadHistory.builder(start, minutes);
    for (int i = 0; i < minutes; i++) {
      if (r.nextInt(4) == 0) {
        continue;
      }
      double c = r.nextDouble() * 30;
      b.set(Series.CONCURRENCY_PER_COPY, i, c)
          .set(Series.CONCURRENCY_PER_COPY_MAX, i, c * (1 + r.nextDouble()))
          .set(Series.LATENCY_MS, i, 2000 + r.nextGaussian() * 500);
    }
    return b.build();
  }

  @Test
  void theMedianOverBlocksIsTheMedianOverMinutes() {
    RequestSize size = new RequestSize(cap);
    LoadHistory h = random(START, 4000, 7);
    assertThat(size.median(h)).isEqualTo(plainly(h));
    // Moved on by a minute, the blocks it shares are not worked out again, and agree.
    LoadHistory next =
        LoadHistory.join(
            h, random(h.end().minus(Duration.ofMinutes(5)), 6, 8), START.plusSeconds(60));
    assertThat(size.median(next)).isEqualTo(plainly(next));
  }

  @Test
  void fewCalmMinutesKeepTheProfilesSizeAndTheEstimateIsBounded() {
    RequestSize size = new RequestSize(cap);
    assertThat(size.factor(LoadHistory.builder(START, 10).build())).isEqualTo(1);
    LoadHistory.Builder slow = LoadHistory.builder(START, 10);
    for (int i = 0; i < 10; i++) {
      slow.set(Series.CONCURRENCY_PER_COPY, i, 2)
          .set(Series.CONCURRENCY_PER_COPY_MAX, i, 2)
          .set(Series.LATENCY_MS, i, 1e9);
    }
    assertThat(size.factor(slow.build())).isEqualTo(RequestSize.MAX_FACTOR);
  }

  /** Calm minutes whose requests take {@code ratio} times the serving model's time. */
  LoadHistory calm(Instant start, double[] ratioByMinute) {
    LoadHistory.Builder b = LoadHistory.builder(start, ratioByMinute.length);
    for (int i = 0; i < ratioByMinute.length; i++) {
      double c = 4;
      b.set(Series.CONCURRENCY_PER_COPY, i, c)
          .set(Series.CONCURRENCY_PER_COPY_MAX, i, c)
          .set(Series.LATENCY_MS, i, ratioByMinute[i] * cap.serviceMs(c, 1));
    }
    return b.build();
  }

  static double[] hours(double firstHours, double first, double lastHour) {
    int n = (int) (firstHours * 60) + 60;
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = i < n - 60 ? first : lastHour;
    }
    return r;
  }

  @Test
  void requestsThatGrewInTheLastHourArePlannedForAtOnceAndTheDriftSaid() {
    RequestSize size = new RequestSize(cap);
    RequestSize.Learnt learnt = size.learnt(calm(START, hours(5, 1.0, 1.6)));
    assertThat(learnt.longRun()).hasValue(1.0);
    assertThat(learnt.recent()).hasValue(1.6);
    assertThat(learnt.samples()).isEqualTo(360);
    assertThat(learnt.recentSamples()).isEqualTo(60);
    assertThat(learnt.drift().getAsDouble())
        .isCloseTo(0.6, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(learnt.followsRecent()).isTrue();
    assertThat(learnt.factor()).isEqualTo(1.6);
  }

  @Test
  void requestsThatShrankInTheLastHourWaitForTheLongRunToShowIt() {
    RequestSize size = new RequestSize(cap);
    RequestSize.Learnt learnt = size.learnt(calm(START, hours(5, 1.5, 0.8)));
    assertThat(learnt.drift().getAsDouble())
        .isCloseTo(0.8 / 1.5 - 1, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(learnt.followsRecent()).isFalse();
    assertThat(learnt.factor()).isEqualTo(1.5);
  }

  @Test
  void aFewOddMinutesInTheLastHourMoveNothing() {
    RequestSize size = new RequestSize(cap);
    double[] r = hours(5, 1.0, 1.0);
    // The last hour: 20 calm minutes at 3x, the rest too busy to time.
    LoadHistory.Builder b = LoadHistory.builder(START, r.length);
    for (int i = 0; i < r.length; i++) {
      boolean lastHour = i >= r.length - 60;
      double c = 4;
      double busiest = lastHour && i % 3 != 0 ? 1e6 : c;
      double ratio = lastHour ? 3 : 1;
      b.set(Series.CONCURRENCY_PER_COPY, i, c)
          .set(Series.CONCURRENCY_PER_COPY_MAX, i, busiest)
          .set(Series.LATENCY_MS, i, ratio * cap.serviceMs(c, 1));
    }
    RequestSize.Learnt learnt = size.learnt(b.build());
    assertThat(learnt.recentSamples()).isEqualTo(20);
    assertThat(learnt.drift()).isEmpty();
    assertThat(learnt.factor()).isEqualTo(1.0);
  }

  /**
   * Calm minutes at concurrencies from 1 to 25 whose answers take {@code a} times the physics'
   * decoding and prompts {@code b} times its prefills.
   */
  LoadHistory promptsAndAnswers(int minutes, double a, double b) {
    LoadHistory.Builder h = LoadHistory.builder(START, minutes);
    double prefill = cap.prefillMs();
    for (int i = 0; i < minutes; i++) {
      double c = 1 + (i * 7) % 25;
      double physics = cap.physicsServiceMs(c);
      h.set(Series.CONCURRENCY_PER_COPY, i, c)
          .set(Series.CONCURRENCY_PER_COPY_MAX, i, c)
          .set(Series.LATENCY_MS, i, a * (physics - c * prefill) + b * c * prefill);
    }
    return h.build();
  }

  @Test
  void promptsLongerThanTheModelsArePlannedApartFromItsAnswers() {
    RequestSize size = new RequestSize(cap);
    // The synthetic traces' requests against the bundled table's: 1,222 prompt tokens (2.2x) and
    // 161 output tokens (0.92x).
    RequestSize.Learnt learnt = size.learnt(promptsAndAnswers(120, 0.92, 2.2));
    assertThat(learnt.prompts().estimate().getAsDouble())
        .isCloseTo(2.2, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(learnt.promptFactor()).isCloseTo(2.2, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(learnt.promptsApart()).isTrue();
    assertThat(learnt.describePrompts()).startsWith("prompts 2.20x").endsWith(", planned with");
    // A copy carries far fewer of them than of the model's own shape.
    assertThat(cap.perCopy(learnt.factor(), learnt.promptFactor()))
        .isLessThan(cap.perCopy(learnt.factor()) / 2);
  }

  @Test
  void promptsShorterThanTheWholeRequestsRatioAreNeverPlannedShorter() {
    RequestSize size = new RequestSize(cap);
    RequestSize.Learnt learnt = size.learnt(promptsAndAnswers(120, 1.5, 0.8));
    assertThat(learnt.prompts().estimate().getAsDouble()).isLessThan(learnt.factor());
    assertThat(learnt.promptFactor()).isEqualTo(learnt.factor());
    assertThat(learnt.promptsApart()).isFalse();
  }

  @Test
  void withFewerCalmMinutesThanTheFitNeedsThePromptsAreTheWholeRequests() {
    RequestSize size = new RequestSize(cap);
    RequestSize.Learnt learnt = size.learnt(promptsAndAnswers(PromptSize.MIN_SAMPLES - 1, 1, 3));
    assertThat(learnt.prompts().estimate()).isEmpty();
    assertThat(learnt.promptFactor()).isEqualTo(learnt.factor());
  }

  @Test
  void aRankAmongSortedArraysIsTheRankOfAllTheirValues() {
    Random r = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      List<double[]> parts = new ArrayList<>();
      List<Double> all = new ArrayList<>();
      for (int p = r.nextInt(5); p >= 0; p--) {
        double[] part = new double[r.nextInt(40)];
        for (int i = 0; i < part.length; i++) {
          // Ties and signs included: the order is Double.compare's, as the sort's.
          part[i] = r.nextInt(4) == 0 ? 1.5 : (r.nextDouble() - 0.3) * 10;
          all.add(part[i]);
        }
        java.util.Arrays.sort(part);
        parts.add(part);
      }
      if (all.isEmpty()) {
        continue;
      }
      all.sort(Double::compare);
      int k = r.nextInt(all.size());
      assertThat(RequestSize.rank(parts, k))
          .as("trial %d, rank %d", trial, k)
          .isEqualTo(all.get(k));
    }
  }

  @Test
  void minuteByMinuteTheKeptPartsAgreeWithTheRule() {
    RequestSize size = new RequestSize(cap);
    // Three days, moved on a minute at a time across a day's end, the last five minutes re-read.
    LoadHistory h = random(START, 3 * 1440, 21);
    for (int step = 0; step < 200; step++) {
      Instant start = h.start().plusSeconds(60);
      h = LoadHistory.join(h, random(h.end().minus(Duration.ofMinutes(5)), 6, 100 + step), start);
      assertThat(size.median(h)).as("step %d", step).isEqualTo(plainly(h));
      assertThat(size.prompts(h).n()).as("step %d", step).isEqualTo(calmMinutes(h));
    }
  }

  /** The calm minutes counted plainly. */
  long calmMinutes(LoadHistory h) {
    return java.util.stream.IntStream.range(0, h.minutes()).filter(i -> calm(h, i)).count();
  }

  /** Whether minute {@code i} is timed: within the operating point, busy enough, with figures. */
  boolean calm(LoadHistory h, int i) {
    double c = h.value(Series.CONCURRENCY_PER_COPY, i);
    double busiest = h.value(Series.CONCURRENCY_PER_COPY_MAX, i);
    double latency = h.value(Series.LATENCY_MS, i);
    boolean within = Double.isNaN(busiest) || busiest <= cap.perCopy(1);
    return !Double.isNaN(c) && !Double.isNaN(latency) && c >= 0.5 && within;
  }
}

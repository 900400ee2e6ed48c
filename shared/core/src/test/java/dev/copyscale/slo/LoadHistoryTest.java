package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.slo.LoadHistory.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Load histories, and the two-weeks-then-minutes way engine slo keeps one up to date. */
class LoadHistoryTest {
  /** Half an hour before midnight: histories cross a day's block. */
  static final Instant START = Instant.parse("2026-11-24T23:30:00Z");

  static LoadHistory random(Instant start, int minutes, long seed) {
    Random r = new Random(seed);
    LoadHistory.Builder b = LoadHistory.builder(start, minutes);
    for (int i = 0; i < minutes; i++) {
      for (Series s : Series.values()) {
        if (r.nextInt(5) > 0) {
          b.set(s, i, r.nextDouble() * 100);
        }
      }
    }
    return b.build();
  }

  /** What joining means, minute by minute: the fresh value where fresh has the minute. */
  static double expected(LoadHistory old, LoadHistory fresh, Instant at, Series s) {
    for (LoadHistory h : new LoadHistory[] {fresh, old}) {
      long i = Duration.between(h.start(), at).toMinutes();
      if (!at.isBefore(h.start()) && i < h.minutes()) {
        return h.value(s, (int) i);
      }
    }
    return Double.NaN;
  }

  @Test
  void joiningLaysTheFreshMinutesOverTheOldAndTrimsTheStart() {
    LoadHistory old = random(START, 3000, 1);
    Instant freshStart = old.end().minus(Duration.ofMinutes(5));
    LoadHistory fresh = random(freshStart, 6, 2);
    Instant start = START.plus(Duration.ofMinutes(1));
    LoadHistory joined = LoadHistory.join(old, fresh, start);
    assertThat(joined.start()).isEqualTo(start);
    assertThat(joined.end()).isEqualTo(fresh.end());
    for (int i = 0; i < joined.minutes(); i++) {
      Instant at = start.plus(Duration.ofMinutes(i));
      for (Series s : Series.values()) {
        // Double.compare: NaN (nothing published) equals NaN.
        assertThat(Double.compare(joined.value(s, i), expected(old, fresh, at, s)))
            .as("%s at %s", s, at)
            .isZero();
      }
    }
  }

  @Test
  void aFreshMinuteWithoutADatapointReplacesAnOldOne() {
    LoadHistory old = random(START, 10, 3);
    LoadHistory fresh = LoadHistory.builder(START.plus(Duration.ofMinutes(8)), 3).build();
    LoadHistory joined = LoadHistory.join(old, fresh, START);
    assertThat(joined.value(Series.INVOCATIONS, 8)).isNaN();
    assertThat(joined.minutes()).isEqualTo(11);
  }

  @Test
  void aJoinSharesTheBlocksTheFreshMinutesDoNotTouch() {
    LoadHistory old = random(START, 3 * 1440, 4);
    LoadHistory fresh = random(old.end().minus(Duration.ofMinutes(5)), 6, 5);
    LoadHistory joined = LoadHistory.join(old, fresh, START.plus(Duration.ofMinutes(1)));
    var before = old.blockRanges();
    var after = joined.blockRanges();
    assertThat(after.get(0).block()).isSameAs(before.get(0).block());
    assertThat(after.get(1).block()).isSameAs(before.get(1).block());
    assertThat(after.get(after.size() - 1).block())
        .isNotSameAs(before.get(before.size() - 1).block());
    // The first block's part starts where the history does: 23:31 is minute 1411 of its day.
    assertThat(after.get(0).from()).isEqualTo(23 * 60 + 31);
  }

  @Test
  void theFiguresComeFromTheSeries() {
    LoadHistory.Builder b = LoadHistory.builder(START, 3);
    b.set(Series.INVOCATIONS, 0, 600)
        .set(Series.INVOCATIONS_PER_COPY, 0, 150)
        .set(Series.CONCURRENCY_PER_COPY_MAX, 0, 10)
        .set(Series.NO_CAPACITY, 1, 6)
        .set(Series.NO_CAPACITY, 2, 3);
    LoadHistory h = b.build();
    assertThat(h.copies(0)).isEqualTo(4);
    assertThat(h.peak(0)).isEqualTo(40);
    assertThat(h.arrivalsPerSecond(0)).isEqualTo(10);
    assertThat(h.arrivalsPerSecond(1)).isEqualTo(0.1);
    assertThat(h.copies(1)).isNaN();
    assertThat(h.refusedInLast(2)).isEqualTo(9);
    assertThat(h.refusedInLast(1)).isEqualTo(3);
    assertThat(h.demand(2000)).containsExactly(20, 0.2, 0.1);
    assertThat(Arrays.stream(h.toArrays().get(Series.NO_CAPACITY)).skip(1))
        .containsExactly(6.0, 3.0);
  }

  @Test
  void aHistoryDoesNotChangeOnceBuilt() {
    LoadHistory.Builder b = LoadHistory.builder(START, 2);
    LoadHistory h = b.set(Series.INVOCATIONS, 0, 1).build();
    assertThatThrownBy(() -> b.set(Series.INVOCATIONS, 0, 2))
        .isInstanceOf(IllegalStateException.class);
    assertThat(h.value(Series.INVOCATIONS, 0)).isEqualTo(1);
    assertThatThrownBy(() -> h.value(Series.INVOCATIONS, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> LoadHistory.builder(START.plusSeconds(1), 1))
        .hasMessageContaining("starts at a whole minute");
  }
}

package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.slo.LoadHistory.Series;
import org.junit.jupiter.api.Test;

class ObjectiveWindowTest {
  /** 40 minutes of 300 requests each, the busiest copy at 10 in flight. */
  private static LoadHistory.Builder history() {
    LoadHistory.Builder h = LoadHistory.builder(SloFixtures.START, 40);
    for (int i = 0; i < 40; i++) {
      h.set(Series.INVOCATIONS, i, 300).set(Series.CONCURRENCY_PER_COPY_MAX, i, 10);
    }
    return h;
  }

  @Test
  void failuresWithinTheAllowanceDoNotMissTheObjectiveButTheRestIsNotKnown() {
    LoadHistory.Builder h = history();
    h.set(Series.MODEL_ERRORS, 39, 40).set(Series.NO_CAPACITY, 38, 20);
    ObjectiveWindow w = ObjectiveWindow.last(h.build(), 30, 12, 0.99);
    // The last 30 minutes: 9,000 served and 20 refused; 60 failed, under 1 % of 9,020.
    assertThat(w.requests()).isEqualTo(9020);
    assertThat(w.failed()).isEqualTo(60);
    assertThat(w.missed()).isFalse();
    assertThat(w.minutesOver()).isZero();
    assertThat(w.describe())
        .startsWith("over the last 30 min: 60 of 9020 requests failed (0.7 %: 40 model errors")
        .contains("20 refused for want of a copy")
        .contains("within the 1 % allowed")
        .contains("whether the requests served met it is not known");
  }

  @Test
  void failuresBeyondTheAllowanceMissItAndBusyMinutesAreCounted() {
    LoadHistory.Builder h = history();
    for (int i = 20; i < 40; i++) {
      h.set(Series.MODEL_ERRORS, i, 10).set(Series.CONCURRENCY_PER_COPY_MAX, i, 14);
    }
    // Errors before the window do not count.
    h.set(Series.MODEL_ERRORS, 0, 5000);
    ObjectiveWindow w = ObjectiveWindow.last(h.build(), 30, 12, 0.99);
    assertThat(w.modelErrors()).isEqualTo(200);
    assertThat(w.missed()).isTrue();
    assertThat(w.minutesOver()).isEqualTo(20);
    assertThat(w.describe())
        .contains("more than the 1 % allowed: missed")
        .contains("a copy held more than 12 in flight in 20 of 30 min");
  }

  @Test
  void aWindowWithoutRequestsSaysSo() {
    ObjectiveWindow w =
        ObjectiveWindow.last(LoadHistory.builder(SloFixtures.START, 30).build(), 30, 12, 0.99);
    assertThat(w.missed()).isFalse();
    assertThat(w.describe()).isEqualTo("over the last 30 min: no requests");
  }
}

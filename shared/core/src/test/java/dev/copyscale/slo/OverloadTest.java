package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.slo.LoadHistory.Series;
import org.junit.jupiter.api.Test;

class OverloadTest {
  /**
   * One minute of {@code invocations} on {@code copies} copies, {@code failed} of them failed by
   * the model, {@code perCopy} requests in flight on each on average.
   */
  private static LoadHistory minute(
      double invocations, double failed, double copies, double perCopy) {
    return LoadHistory.builder(SloFixtures.START, 1)
        .set(Series.INVOCATIONS, 0, invocations)
        .set(Series.INVOCATIONS_PER_COPY, 0, invocations / copies)
        .set(Series.MODEL_ERRORS, 0, failed)
        .set(Series.CONCURRENCY_PER_COPY, 0, perCopy)
        .set(Series.CONCURRENCY_PER_COPY_MAX, 0, perCopy)
        .build();
  }

  @Test
  void copiesFailingBeyondTheObjectiveWhileHoldingMoreThanAMinuteOfWorkAreOverloaded() {
    // 347 arrived, 230 timed out, 117 completed, while one copy held 300 on average: the mean
    // request stayed 2.6 minutes, far past the 60 s timeout.
    Overload o = Overload.last(minute(347, 230, 1, 300), 0.99).orElseThrow();
    assertThat(o.completed()).isEqualTo(117);
    assertThat(o.inFlight()).isEqualTo(300);
    assertThat(o.copies()).isEqualTo(1);
  }

  @Test
  void failuresWithinWhatTheObjectiveAllowsAreNotOverload() {
    // 1 % of 300 may fail at 99 %: 3 failures are within it, 4 are not.
    assertThat(Overload.last(minute(300, 3, 2, 200), 0.99)).isEmpty();
    assertThat(Overload.last(minute(300, 4, 2, 200), 0.99)).isPresent();
  }

  @Test
  void copiesThatCompleteMoreThanTheyHoldAreNotOverloadedWhateverFails() {
    // A stream of requests the model refuses (too long for TGI) fails many, but the copies hold
    // fewer than they complete in a minute: they keep up.
    assertThat(Overload.last(minute(300, 60, 4, 20), 0.99)).isEmpty();
  }

  @Test
  void aMinuteWithoutRequestsOrFiguresIsNotOverload() {
    assertThat(Overload.last(LoadHistory.empty(SloFixtures.START), 0.99)).isEmpty();
    assertThat(
            Overload.last(
                LoadHistory.builder(SloFixtures.START, 1).set(Series.MODEL_ERRORS, 0, 10).build(),
                0.99))
        .isEmpty();
  }

  @Test
  void completedIsInvocationsLessModelErrors() {
    LoadHistory h = minute(100, 30, 2, 10);
    assertThat(h.completed(0)).isEqualTo(70);
    assertThat(LoadHistory.builder(SloFixtures.START, 1).build().completed(0)).isZero();
  }
}

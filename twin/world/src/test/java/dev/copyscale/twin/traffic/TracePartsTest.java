package dev.copyscale.twin.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TracePartsTest {
  static final long MINUTE = 60_000_000L;

  /** Arrivals at 0:10, 0:50, 1:00, 1:30, 2:59; the trace lasts 4 minutes. */
  static final Trace T =
      new Trace(
          new long[] {10_000_000L, 50_000_000L, MINUTE, 90_000_000L, 179_000_000L},
          new int[] {1, 2, 3, 4, 5},
          new int[] {10, 20, 30, 40, 50},
          4 * MINUTE);

  @Test
  void thePartBeforeACutHoldsTheRequestsBeforeItAndLastsUntilIt() {
    Trace first = TraceParts.before(T, MINUTE);
    // The request at exactly the cut is not the first part's.
    assertThat(first.size()).isEqualTo(2);
    assertThat(first.endMicros()).isEqualTo(MINUTE);
    assertThat(first.arrivalMicros(1)).isEqualTo(50_000_000L);
    assertThat(first.promptTokens(1)).isEqualTo(2);
    assertThat(first.outputTokens(0)).isEqualTo(10);
    assertThat(TraceParts.before(T, 4 * MINUTE).size()).isEqualTo(5);
    assertThat(TraceParts.before(T, 0).size()).isZero();
  }

  @Test
  void countsArrivalsByTheMinuteToTheTracesEnd() {
    assertThat(TraceParts.perMinute(T)).containsExactly(2, 2, 1, 0);
    assertThat(TraceParts.perMinute(new Trace(new long[0], new int[0], new int[0])))
        .containsExactly(0);
  }

  @Test
  void theMeanRequestCountsPromptAndOutput() {
    assertThat(TraceParts.meanTokens(T)).isEqualTo((15 + 150) / 5.0);
    assertThat(TraceParts.meanTokens(new Trace(new long[0], new int[0], new int[0]))).isZero();
  }

  @Test
  void refusesACutOutsideTheTrace() {
    assertThatThrownBy(() -> TraceParts.before(T, 5 * MINUTE)).hasMessageContaining("outside");
    assertThatThrownBy(() -> TraceParts.before(T, -1)).hasMessageContaining("outside");
  }
}

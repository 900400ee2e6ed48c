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
  void cutsAtAnOffsetEveryRequestInExactlyOnePart() {
    Trace first = TraceParts.before(T, MINUTE);
    Trace rest = TraceParts.from(T, MINUTE);
    assertThat(first.size()).isEqualTo(2);
    assertThat(first.endMicros()).isEqualTo(MINUTE);
    assertThat(first.promptTokens(1)).isEqualTo(2);
    assertThat(rest.size()).isEqualTo(3);
    // The request at exactly the cut belongs to the rest, now at its offset 0.
    assertThat(rest.arrivalMicros(0)).isZero();
    assertThat(rest.promptTokens(0)).isEqualTo(3);
    assertThat(rest.outputTokens(2)).isEqualTo(50);
    assertThat(rest.arrivalMicros(2)).isEqualTo(119_000_000L);
    assertThat(rest.endMicros()).isEqualTo(3 * MINUTE);
  }

  @Test
  void countsArrivalsByTheMinuteToTheTracesEnd() {
    assertThat(TraceParts.perMinute(T)).containsExactly(2, 2, 1, 0);
    assertThat(TraceParts.perMinute(new Trace(new long[0], new int[0], new int[0])))
        .containsExactly(0);
  }

  @Test
  void refusesACutOutsideTheTrace() {
    assertThatThrownBy(() -> TraceParts.before(T, 5 * MINUTE)).hasMessageContaining("outside");
    assertThatThrownBy(() -> TraceParts.from(T, -1)).hasMessageContaining("outside");
  }
}

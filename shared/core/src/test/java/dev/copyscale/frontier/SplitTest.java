package dev.copyscale.frontier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SplitTest {
  static final long MINUTE = 60_000_000L;

  @Test
  void cutsOnTheNearestWholeMinute() {
    // 59 min 20 s: half is 29 min 40 s, nearest minute 30.
    Split s = Split.of(59 * MINUTE + 20_000_000L, 0.5);
    assertThat(s.atMicros()).isEqualTo(30 * MINUTE);
    assertThat(Split.of(100 * MINUTE, 0.25).atMicros()).isEqualTo(25 * MINUTE);
  }

  @Test
  void keepsAMinuteOnEachSide() {
    assertThat(Split.of(10 * MINUTE, 0.01).atMicros()).isEqualTo(MINUTE);
    assertThat(Split.of(10 * MINUTE, 0.99).atMicros()).isEqualTo(9 * MINUTE);
    // 2 min 30 s: the cut at 2 min would leave 30 s to score on.
    assertThat(Split.of(2 * MINUTE + 30_000_000L, 0.9).atMicros()).isEqualTo(MINUTE);
  }

  @Test
  void refusesWhatCannotBeSplit() {
    assertThatThrownBy(() -> Split.of(MINUTE + 59_000_000L, 0.5))
        .hasMessageContaining("less than two minutes");
    assertThatThrownBy(() -> Split.of(60 * MINUTE, 1.0)).hasMessageContaining("got 100.0%");
    assertThatThrownBy(() -> Split.of(60 * MINUTE, 0)).hasMessageContaining("got 0.0%");
    assertThatThrownBy(() -> new Split(30 * MINUTE + 1, 60 * MINUTE))
        .hasMessageContaining("whole minute");
  }
}

package dev.copyscale.twin.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The account's virtual time and the stack's periodic work as time advances. */
class TwinAccountTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

  @Test
  void advanceCompletesTransitionsAndRunsTheMinuteWorkInTimeOrder() {
    TwinAccount world = AccountFixture.busy(new TwinAccount(T0));
    List<String> seen = new ArrayList<>();
    world.advance(
        Duration.ofMinutes(5),
        Stack.ticking(
            now -> {
              int serving =
                  world
                      .sageMaker()
                      .describeInferenceComponent(b -> b.inferenceComponentName("ic"))
                      .runtimeConfig()
                      .currentCopyCount();
              seen.add(now + " " + serving);
            }));
    // copies on the ready instance serve 155.5 s after 09:01:40 (download 75 s, load 80 s: model
    // "m" is not in the catalog,
    // so 16 GB assumed), 10 s apart (09:04:15.5 on); the two on the second instance (ready
    // 09:03:20) from 09:06:35.5
    assertThat(seen)
        .containsExactly(
            "2026-11-25T09:03:00Z 0",
            "2026-11-25T09:04:00Z 0",
            "2026-11-25T09:05:00Z 4",
            "2026-11-25T09:06:00Z 4",
            "2026-11-25T09:07:00Z 6");
    assertThat(world.clock().instant()).isEqualTo(T0.plus(Duration.ofSeconds(460)));
  }

  @Test
  void theClockOnlyMovesForward() {
    VirtualClock clock = new VirtualClock(T0);
    clock.advanceTo(T0.plusSeconds(1));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(1));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> clock.advanceTo(T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

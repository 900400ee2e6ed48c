package dev.copyscale.state;

import dev.copyscale.scaling.Cooldowns;
import java.time.Instant;
import java.util.Map;

/**
 * What copyscale remembers per scalable target between events: cooldowns, and per alarm the newest
 * state-change timestamp handled (so a late, out-of-order delivery is recognised). {@code version}
 * makes every change conditional.
 */
public record TargetState(String deployment, Cooldowns cooldowns, Map<String, Instant> newestAlarmState, long version) {
  public TargetState {
    newestAlarmState = Map.copyOf(newestAlarmState);
  }

  public static TargetState initial(String deployment) {
    return new TargetState(deployment, Cooldowns.NONE, Map.of(), 0);
  }
}

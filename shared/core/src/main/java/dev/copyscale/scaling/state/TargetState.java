package dev.copyscale.scaling.state;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What copyscale remembers per scalable target between events: cooldowns; per alarm the newest
 * state-change timestamp handled (so a late, out-of-order delivery is recognised); the capacity a
 * decision asked for that SageMaker does not have yet; an operator's bounds override. {@code
 * version} makes every change conditional.
 */
public record TargetState(
    String deployment,
    Cooldowns cooldowns,
    Map<String, Instant> newestAlarmState,
    Optional<CapacityIntent> intent,
    Optional<BoundsOverride> override,
    long version) {

  public TargetState {
    newestAlarmState = Map.copyOf(newestAlarmState == null ? Map.of() : newestAlarmState);
    intent = intent == null ? Optional.empty() : intent;
    override = override == null ? Optional.empty() : override;
  }

  public static TargetState initial(String deployment) {
    return new TargetState(
        deployment, Cooldowns.NONE, Map.of(), Optional.empty(), Optional.empty(), 0);
  }

  /** The next version of this state, to be written conditionally on this one. */
  public TargetState next() {
    return new TargetState(deployment, cooldowns, newestAlarmState, intent, override, version + 1);
  }

  public TargetState withCooldowns(Cooldowns cooldowns) {
    return new TargetState(deployment, cooldowns, newestAlarmState, intent, override, version);
  }

  public TargetState withNewestAlarmState(Map<String, Instant> newest) {
    return new TargetState(deployment, cooldowns, newest, intent, override, version);
  }

  public TargetState withIntent(Optional<CapacityIntent> intent) {
    return new TargetState(deployment, cooldowns, newestAlarmState, intent, override, version);
  }

  public TargetState withOverride(Optional<BoundsOverride> override) {
    return new TargetState(deployment, cooldowns, newestAlarmState, intent, override, version);
  }

  /** The override still in force at {@code now}, if any. */
  public Optional<BoundsOverride> overrideAt(Instant now) {
    return override.filter(o -> now.isBefore(o.until()));
  }
}

package dev.copyscale.scaling.convergence;

import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.state.TargetState;
import java.util.Optional;

/**
 * When an engine's tick starts nothing new. Application Auto Scaling does not start a scaling
 * activity while the previous one is in progress; copyscale's ticks follow that rule.
 */
public final class Readiness {
  private Readiness() {}

  /**
   * Why the orchestrated tick re-evaluates no alarm now: the component is not InService, or a
   * change copyscale asked for is still converging. Empty when it may.
   */
  public static Optional<String> rollingOut(TargetState state, LiveCapacity live) {
    if (!live.componentInService()) {
      return Optional.of(notInService(live));
    }
    return state.intent().map(i -> "the change to " + i.capacity() + " is still rolling out");
  }

  /**
   * Why engine slo's minute tick decides nothing now: the component is being created or updated by
   * something else than its own change in progress (which it may still revise). Empty when it may.
   */
  public static Optional<String> sloWaits(TargetState state, LiveCapacity live) {
    if (live.componentInService() || state.intent().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(notInService(live) + ": engine slo waits for InService");
  }

  private static String notInService(LiveCapacity live) {
    return "component " + live.componentStatus().orElse("missing");
  }
}

package dev.copyscale.deploy;

import java.util.List;
import java.util.Optional;

/**
 * The next safe steps: the actions to take now, in order, the phase the deployment is in, what it
 * waits for while SageMaker is still working (a later reconcile continues), and why it failed.
 */
public record Plan(
    Phase phase, List<Action> actions, Optional<String> waitingFor, Optional<String> failure) {
  public Plan {
    actions = List.copyOf(actions);
  }

  static Plan act(Phase phase, List<Action> actions) {
    return new Plan(phase, actions, Optional.empty(), Optional.empty());
  }

  static Plan waitFor(Phase phase, List<Action> actions, String what) {
    return new Plan(phase, actions, Optional.of(what), Optional.empty());
  }

  public static Plan failed(String reason) {
    return new Plan(Phase.Failed, List.of(), Optional.empty(), Optional.of(reason));
  }

  /** Nothing to do now: the deployment is settled, waiting, or failed. */
  public boolean idle() {
    return actions.isEmpty();
  }
}

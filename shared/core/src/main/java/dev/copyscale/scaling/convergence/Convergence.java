package dev.copyscale.scaling.convergence;

import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.spec.DeploymentSpec.Dimension;

/**
 * The next write that moves a target towards its {@link CapacityIntent}, in the order SageMaker
 * accepts: the copies the running instances hold first, then instances up before the rest of the
 * copies (copies need somewhere to go), copies down before instances (an instance is released only
 * once its copies are gone), and nothing while the endpoint or the component is still applying the
 * previous change.
 */
public final class Convergence {
  private Convergence() {}

  public sealed interface Step permits SetInstances, SetCopies, Wait, Done {}

  public record SetInstances(int count) implements Step {}

  public record SetCopies(int count) implements Step {}

  public record Wait(String why) implements Step {}

  public record Done() implements Step {}

  public static Step next(CapacityIntent intent, Dimension dimension, LiveCapacity live) {
    if (dimension == Dimension.INSTANCES) {
      if (live.capacity() == intent.capacity()) {
        return new Done();
      }
      return live.endpointInService() ? new SetInstances(intent.capacity()) : waitEndpoint(live);
    }
    int instances = intent.instances().orElse(live.instances());
    if (live.capacity() == intent.capacity() && live.instances() == instances) {
      return new Done();
    }
    if (instances > live.instances()) {
      // Copies that fit the instances already running go first: they serve minutes before a new
      // instance would.
      int fitNow = Math.min(intent.capacity(), live.instances() * intent.copiesPerInstance());
      if (live.capacity() < fitNow && live.endpointInService() && live.componentInService()) {
        return new SetCopies(fitNow);
      }
      return live.endpointInService() ? new SetInstances(instances) : waitEndpoint(live);
    }
    if (live.capacity() != intent.capacity()) {
      if (!live.endpointInService()) {
        return waitEndpoint(live);
      }
      if (!live.componentInService()) {
        return new Wait(
            "inference component is "
                + live.componentStatus().orElse("missing")
                + "; copies change once it is InService");
      }
      return new SetCopies(intent.capacity());
    }
    // Copies are where they should be; release instances once the component has settled.
    if (!live.endpointInService()) {
      return waitEndpoint(live);
    }
    if (!live.componentInService()) {
      return new Wait(
          "inference component is "
              + live.componentStatus().orElse("missing")
              + "; instances are released once its copies are gone");
    }
    return new SetInstances(instances);
  }

  private static Wait waitEndpoint(LiveCapacity live) {
    return new Wait(
        "endpoint is "
            + live.endpointStatus()
            + "; SageMaker takes the next change once it is InService");
  }
}

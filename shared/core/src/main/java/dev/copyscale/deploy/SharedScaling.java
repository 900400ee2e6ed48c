package dev.copyscale.deploy;

import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Member;
import java.util.ArrayList;
import java.util.List;

/**
 * What deploy refuses, for now, on an endpoint shared by several components (docs/endpoints.md,
 * Status): the scaling copyscale cannot yet run correctly per component. Engine native is accepted:
 * Application Auto Scaling runs each component's own policies on its own scalable target, which is
 * correct per component. Engines orchestrated and slo decide in copyscale's functions, which still
 * act on a deployment's first component and decide each component alone against instances all of
 * them share; the arbiter that decides them together is not wired yet. Schedules are refused for
 * the same reason: the scheduled-scaling function moves the bounds of a deployment, not of one of
 * its components. A spec with one component (either form) is never refused here.
 */
public final class SharedScaling {
  private SharedScaling() {}

  /** Each refusal as {@code field: why}; empty when the spec can be deployed. */
  public static List<String> notYetRunnable(DeploymentSpec spec) {
    List<String> refusals = new ArrayList<>();
    if (!spec.shared()) {
      return refusals;
    }
    for (int i = 0; i < spec.components().size(); i++) {
      Member m = spec.components().get(i);
      String path = "components[" + i + "].scaling";
      if (m.scaling().engine() != Engine.NATIVE) {
        refusals.add(
            path
                + ".engine: "
                + m.scaling().engine().specValue()
                + " cannot yet scale a component of a shared endpoint: copyscale's step-scaling"
                + " function decides for one component at a time, and the arbiter that turns"
                + " several components' wishes into one endpoint's instances (docs/endpoints.md)"
                + " is not wired yet. Use engine: native (Application Auto Scaling runs each"
                + " component's own policies on its own scalable target), or put "
                + m.name()
                + " on an endpoint of its own");
      }
      if (!m.scaling().schedules().isEmpty()) {
        refusals.add(
            path
                + ".schedules: cannot yet move the bounds of one component of a shared endpoint:"
                + " the scheduled-scaling function moves a deployment's bounds, and a component's"
                + " own are not wired yet (docs/endpoints.md). Remove them, or put "
                + m.name()
                + " on an endpoint of its own");
      }
    }
    return refusals;
  }
}

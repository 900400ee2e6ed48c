package dev.copyscale.deploy;

import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Member;
import java.util.ArrayList;
import java.util.List;

/**
 * What deploy refuses, for now, on an endpoint shared by several components (docs/endpoints.md,
 * Status): the scaling copyscale cannot yet run correctly per component. Every engine is accepted:
 * native runs each component's own policies in Application Auto Scaling; orchestrated and slo
 * decide per component in copyscale's functions, and the endpoint's arbiter grants each decision
 * against the siblings ({@code EndpointGrant}). Schedules are refused: the scheduled-scaling
 * function moves the bounds of a deployment, not of one of its components. A spec with one
 * component (either form) is never refused here.
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

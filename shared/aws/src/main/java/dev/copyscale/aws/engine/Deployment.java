package dev.copyscale.aws.engine;

import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.spec.DeploymentSpec;

/**
 * A deployment as the scaling functions see it: its record in the state table, and the spec it
 * scales by (the last one that reached InService) resolved against the catalog.
 */
public record Deployment(DeploymentRecord record, ScalingTarget target) {
  public DeploymentSpec spec() {
    return target.spec();
  }

  public String name() {
    return target.name();
  }
}

package dev.copyscale.aws.apply;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.spec.DeploymentSpec;

/**
 * Sets a scalable target's bounds by registering it again, as Application Auto Scaling's scheduled
 * actions move them. Only schedules and overrides decide bounds, so only the scheduled-scaling
 * function writes them (and only its role may).
 */
public final class BoundsWriter {
  private final Clients aws;

  public BoundsWriter(Clients aws) {
    this.aws = aws;
  }

  public void write(DeploymentSpec spec, Bounds bounds) {
    aws.autoScaling()
        .registerScalableTarget(
            Requests.registerTarget(ResourceNames.of(spec), bounds.min(), bounds.max()));
  }
}

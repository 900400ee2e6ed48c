package dev.copyscale.aws.engine;

import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.util.List;
import java.util.Optional;

/**
 * {@code engine: native}: Application Auto Scaling runs the policies (target tracking, step,
 * simple), exactly as the seed tutorial does. Deploy registers them; their alarms act on the
 * policies directly, so copyscale's functions leave them be.
 */
public final class NativeEngine implements ScalingEngine {
  @Override
  public List<StepPolicy> alarmedPolicies(DeploymentSpec spec) {
    return spec.scaling().stepPolicies();
  }

  @Override
  public ScalingResult onAlarm(Deployment deployment, StepPolicy policy, AlarmEvent event) {
    return ScalingResult.ignored(
        Optional.of(deployment.name()),
        event.alarmName(),
        "deployment "
            + deployment.name()
            + " runs its policies in Application Auto Scaling (engine: native); the alarm acts on"
            + " the policy directly",
        0);
  }
}

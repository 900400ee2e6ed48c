package dev.copyscale.aws.engine;

import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The engines copyscale runs: the dynamic one each spec chooses, and the schedules. */
public final class Engines {
  private final Map<Engine, ScalingEngine> dynamic;
  private final ScalingEngine schedules;

  /**
   * @throws IllegalArgumentException when a {@code scaling.engine} value has no engine
   */
  public Engines(Map<Engine, ScalingEngine> dynamic, ScalingEngine schedules) {
    this.dynamic = new EnumMap<>(dynamic);
    for (Engine e : Engine.values()) {
      if (!this.dynamic.containsKey(e)) {
        throw new IllegalArgumentException("no engine runs scaling.engine: " + e.specValue());
      }
    }
    this.schedules = schedules;
  }

  /** The dynamic engine {@code spec} chooses ({@code scaling.engine}). */
  public ScalingEngine of(DeploymentSpec spec) {
    return dynamic.get(spec.scaling().engine());
  }

  public ScalingEngine schedules() {
    return schedules;
  }

  /** The policies whose alarms {@code spec}'s deployment keeps. */
  public List<StepPolicy> alarmedPolicies(DeploymentSpec spec) {
    return spec.scaling() == null ? List.of() : of(spec).alarmedPolicies(spec);
  }
}

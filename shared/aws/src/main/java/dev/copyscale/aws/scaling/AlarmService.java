package dev.copyscale.aws.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.engine.Deployment;
import dev.copyscale.aws.engine.Engines;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.event.EventSkew;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The step-scaling function's router: an alarm state change goes to the engine of the deployment
 * that owns the alarm; the per-minute tick goes to each deployment's engine, each isolated from the
 * others. The engines decide ({@link Engines}).
 */
public final class AlarmService {
  private final Engines engines;
  private final StateStore store;
  private final Clock clock;
  private final Specs specs;

  public AlarmService(Engines engines, StateStore store, Clock clock, Specs specs) {
    this.engines = engines;
    this.store = store;
    this.clock = clock;
    this.specs = specs;
  }

  /**
   * One alarm state change. An event of another account or region, or stamped too far ahead of this
   * function's clock, is ignored with the reason before anything is read or written.
   */
  public ScalingResult handle(JsonNode json, EventOrigin origin) {
    Optional<String> foreign = origin.check(json);
    AlarmEvent event = AlarmEvent.parse(json);
    Optional<String> refused =
        foreign.or(() -> event.checkSkew(clock.instant(), EventSkew.MAX_SKEW));
    if (refused.isPresent()) {
      return ScalingResult.ignored(Optional.empty(), event.alarmName(), refused.get(), 0);
    }
    Optional<Deployment> owner = owner(event.alarmName());
    Optional<StepPolicy> policy = owner.flatMap(d -> policy(d, event.alarmName()));
    if (policy.isEmpty()) {
      return ScalingResult.ignored(
          Optional.empty(),
          event.alarmName(),
          "alarm "
              + event.alarmName()
              + " is not one of copyscale's: no deployment in service has a step policy with that"
              + " alarm name",
          0);
    }
    return engines.of(owner.get().spec()).onAlarm(owner.get(), policy.get(), event);
  }

  /** The per-minute tick: each deployment's engine, isolated from the others. */
  public List<ScalingResult> tick() {
    return specs.eachDeployment(
        store.deployments(),
        "tick",
        name -> "tick of " + name,
        deployment -> engines.of(deployment.spec()).onTick(deployment));
  }

  /**
   * The deployment that owns an alarm, from the state table's alarm index: one read, and one spec
   * parsed (cached while its record is unchanged), instead of every deployment's.
   */
  private Optional<Deployment> owner(String alarmName) {
    return store.alarmOwner(alarmName).flatMap(store::deployment).flatMap(specs::deployment);
  }

  /** The deployment's alarmed policy with that alarm, if its engine keeps one. */
  private Optional<StepPolicy> policy(Deployment deployment, String alarmName) {
    ResourceNames names = ResourceNames.of(deployment.spec());
    return engines.alarmedPolicies(deployment.spec()).stream()
        .filter(p -> names.alarm(p.name()).equals(alarmName))
        .findFirst();
  }
}

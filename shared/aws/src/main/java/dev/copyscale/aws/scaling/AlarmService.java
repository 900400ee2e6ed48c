package dev.copyscale.aws.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.engine.Deployment;
import dev.copyscale.aws.engine.Engines;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.event.EventSkew;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
  private final Duration retention;

  /**
   * @param retention how long the ledger keeps what it is told
   */
  public AlarmService(
      Engines engines, StateStore store, Clock clock, Specs specs, Duration retention) {
    this.engines = engines;
    this.store = store;
    this.clock = clock;
    this.specs = specs;
    this.retention = retention;
  }

  /**
   * One alarm state change. An event of another account or region is ignored before anything is
   * read or written: another account must not even reach this stack's table. An event of this
   * account that is not what it claims (not from CloudWatch, about another alarm than it names) or
   * is stamped too far ahead of this function's clock is ignored too, before anything else is read,
   * with the reason kept in the ledger of the deployment whose alarm it names, if one has it.
   */
  public ScalingResult handle(JsonNode json, EventOrigin origin) {
    Optional<String> foreign = origin.check(json);
    AlarmEvent event = AlarmEvent.parse(json);
    if (foreign.isPresent()) {
      return ScalingResult.ignored(Optional.empty(), event.alarmName(), foreign.get(), 0);
    }
    Optional<String> refused =
        event.misclaimed(json).or(() -> event.checkSkew(clock.instant(), EventSkew.MAX_SKEW));
    if (refused.isPresent()) {
      return refuse(event, refused.get());
    }
    Optional<Owner> owner = owner(event.alarmName());
    if (owner.isEmpty()) {
      return ScalingResult.ignored(
          Optional.empty(),
          event.alarmName(),
          "alarm "
              + event.alarmName()
              + " is not one of copyscale's: no deployment in service has a step policy with that"
              + " alarm name",
          0);
    }
    return engines
        .of(owner.get().target().spec())
        .onAlarm(owner.get().target(), owner.get().policy(), event);
  }

  /** The target (a component, on a shared endpoint) whose policy has an alarm. */
  private record Owner(Deployment target, StepPolicy policy) {}

  /** An event not acted on: said in the result, and in the ledger of the alarm's deployment. */
  private ScalingResult refuse(AlarmEvent event, String why) {
    Optional<String> deployment = store.alarmOwner(event.alarmName());
    deployment.ifPresent(
        name -> {
          Instant now = clock.instant();
          store.append(
              LedgerEntry.builder(
                      name, now, event.eventKey() + "#refused", Source.ALARM, event.alarmName())
                  .state(event.state().name())
                  .outcome(Outcome.IGNORED, why)
                  .build(),
              now.plus(retention));
        });
    return ScalingResult.ignored(deployment, event.alarmName(), why, 0);
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
   * The target that owns an alarm and the policy it is of: the deployment from the state table's
   * alarm index (one read, and one spec parsed, cached while its record is unchanged, instead of
   * every deployment's), then its component whose alarmed policy has that alarm name (on an
   * endpoint shared by several, each component's are named by it, {@link ResourceNames#policy}).
   */
  private Optional<Owner> owner(String alarmName) {
    return store
        .alarmOwner(alarmName)
        .flatMap(store::deployment)
        .flatMap(
            record ->
                specs.members(record).stream()
                    .flatMap(
                        member ->
                            engines.alarmedPolicies(member.spec()).stream()
                                .filter(
                                    p ->
                                        ResourceNames.of(member.spec())
                                            .alarm(p.name())
                                            .equals(alarmName))
                                .map(p -> new Owner(member, p)))
                    .findFirst());
  }
}

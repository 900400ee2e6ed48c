package dev.copyscale.aws.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.engine.Deployment;
import dev.copyscale.aws.engine.Engines;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.event.EventSkew;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.ScalingResult;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The scheduled-scaling function's router: a schedule firing or an operator's override goes to the
 * schedules ({@link dev.copyscale.aws.engine.ScheduleEngine}) for the deployment it names; the
 * reconcile tick goes to them for every deployment, each isolated from the others.
 */
public final class ScheduleService {
  private final Engines engines;
  private final StateStore store;
  private final Clock clock;
  private final Specs specs;

  public ScheduleService(Engines engines, StateStore store, Clock clock, Specs specs) {
    this.engines = engines;
    this.store = store;
    this.clock = clock;
    this.specs = specs;
  }

  /**
   * One schedule event. An event of another account or region, or stamped too far ahead of this
   * function's clock, is ignored with the reason before anything is read or written.
   *
   * @throws IllegalArgumentException naming what is wrong: an unknown deployment or schedule,
   *     bounds it cannot take
   */
  public List<ScalingResult> handle(JsonNode event, EventOrigin origin) {
    Optional<String> foreign = origin.check(event);
    ScheduleRequest request = ScheduleRequest.parse(event);
    Optional<String> refused =
        foreign.or(() -> request.checkSkew(clock.instant(), EventSkew.MAX_SKEW));
    if (refused.isPresent()) {
      return List.of(
          ScalingResult.ignored(request.deployment(), "schedule event", refused.get(), 0));
    }
    if (request.tick()) {
      return heal();
    }
    String name = request.deployment().orElseThrow();
    DeploymentRecord record =
        store
            .deployment(name)
            .filter(r -> !r.deleting())
            .orElseThrow(() -> new IllegalArgumentException("unknown deployment \"" + name + "\""));
    List<Deployment> members = specs.members(record);
    if (members.isEmpty()) {
      throw new IllegalArgumentException(
          "deployment \"" + name + "\" has not reached InService yet; nothing to scale");
    }
    return List.of(engines.schedules().onSchedule(target(name, members, request), request));
  }

  /**
   * The target a request moves: a schedule's is the component whose spec lists it; an override's,
   * on an endpoint shared by several components, is the one its {@code component} names.
   */
  private static Deployment target(String name, List<Deployment> members, ScheduleRequest request) {
    List<String> components =
        members.stream().map(m -> m.spec().component().name()).sorted().toList();
    if (request.schedule().isPresent()) {
      String schedule = request.schedule().get();
      return members.stream()
          .filter(
              m -> m.spec().scaling().schedules().stream().anyMatch(s -> s.name().equals(schedule)))
          .findFirst()
          .orElseGet(() -> members.get(0)); // the schedule rules name the unknown schedule
    }
    if (request.component().isEmpty()) {
      if (members.size() == 1) {
        return members.get(0);
      }
      throw new IllegalArgumentException(
          "schedule event: deployment \""
              + name
              + "\" puts "
              + members.size()
              + " components on one endpoint: name the one to move in \"component\" (one of "
              + components
              + ")");
    }
    String component = request.component().get();
    return members.stream()
        .filter(m -> m.spec().component().name().equals(component))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "schedule event: \"component\": deployment \""
                        + name
                        + "\" has no component \""
                        + component
                        + "\" (its components: "
                        + components
                        + ")"));
  }

  /** The reconcile tick: every deployment not being deleted, each isolated from the others. */
  public List<ScalingResult> heal() {
    List<DeploymentRecord> live = store.deployments().stream().filter(r -> !r.deleting()).toList();
    return specs.eachDeployment(
        live, "reconcile", name -> "healing " + name, d -> engines.schedules().onTick(d));
  }
}

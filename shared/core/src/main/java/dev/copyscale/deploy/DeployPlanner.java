package dev.copyscale.deploy;

import dev.copyscale.deploy.Action.CreateComponent;
import dev.copyscale.deploy.Action.CreateEndpoint;
import dev.copyscale.deploy.Action.CreateEndpointConfig;
import dev.copyscale.deploy.Action.CreateModel;
import dev.copyscale.deploy.Action.DeleteAlarm;
import dev.copyscale.deploy.Action.DeleteComponent;
import dev.copyscale.deploy.Action.DeleteEndpoint;
import dev.copyscale.deploy.Action.DeleteEndpointConfig;
import dev.copyscale.deploy.Action.DeleteModel;
import dev.copyscale.deploy.Action.DeletePolicy;
import dev.copyscale.deploy.Action.DeregisterTarget;
import dev.copyscale.deploy.Action.PutStepPolicy;
import dev.copyscale.deploy.Action.PutTargetTracking;
import dev.copyscale.deploy.Action.RegisterTarget;
import dev.copyscale.deploy.Action.SetCopyCount;
import dev.copyscale.deploy.Action.UpdateComponent;
import dev.copyscale.deploy.Action.UpdateEndpoint;
import dev.copyscale.deploy.Observed.ComponentView;
import dev.copyscale.deploy.Observed.EndpointView;
import dev.copyscale.scaling.bounds.ScheduledBounds;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Resources;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the next safe steps towards a spec (or towards nothing, for a delete) from what exists.
 * Pure: the same spec, observation and history always give the same plan, so any invocation may
 * stop and a later one continues where it left off.
 */
public final class DeployPlanner {
  private DeployPlanner() {}

  /**
   * The next steps towards {@code spec} at {@code now}: the scaling bounds are those of the
   * schedule window in force then (the spec's own bounds before any schedule has fired).
   *
   * @param alarmed the policies whose CloudWatch alarms the deployment keeps, as its engine says
   */
  public static Plan plan(
      DeploymentSpec spec, List<StepPolicy> alarmed, Observed o, Applied applied, Instant now) {
    Bounds bounds = bounds(spec, now);
    ResourceNames names = ResourceNames.of(spec);
    Phase working = applied.everInService() ? Phase.Updating : Phase.Creating;
    List<Action> actions = new ArrayList<>();

    if (!o.models().contains(names.model())) {
      actions.add(new CreateModel(names.model()));
    }
    if (!o.endpointConfigs().contains(names.endpointConfig())) {
      actions.add(new CreateEndpointConfig(names.endpointConfig()));
    }
    if (o.endpoint().isEmpty()) {
      actions.add(new CreateEndpoint(names.endpoint(), names.endpointConfig()));
      return Plan.act(working, actions);
    }
    EndpointView endpoint = o.endpoint().get();
    if (endpoint.status().equals("Failed") || endpoint.status().equals("UpdateRollbackFailed")) {
      return Plan.failed(
          "endpoint "
              + names.endpoint()
              + " is "
              + endpoint.status()
              + endpoint.failureReason().map(r -> ": " + r).orElse(""));
    }
    if (!endpoint.status().equals("InService")) {
      return Plan.waitFor(
          working, actions, "endpoint " + names.endpoint() + " is " + endpoint.status());
    }
    if (!endpoint.configName().equals(names.endpointConfig())) {
      actions.add(new UpdateEndpoint(names.endpoint(), names.endpointConfig()));
      return Plan.act(Phase.Updating, actions);
    }
    if (o.component().isEmpty()) {
      actions.add(
          new CreateComponent(
              names.component(), names.model(), Math.max(1, spec.component().copies())));
      return Plan.act(working, actions);
    }
    ComponentView component = o.component().get();
    if (component.status().equals("Failed")) {
      return Plan.failed(
          "inference component "
              + names.component()
              + " failed"
              + component.failureReason().map(r -> ": " + r).orElse(""));
    }
    if (!component.status().equals("InService")) {
      return Plan.waitFor(
          working,
          actions,
          "inference component " + names.component() + " is " + component.status());
    }
    if (!component.modelName().equals(names.model())
        || !sameResources(component, spec.component().resources())) {
      actions.add(new UpdateComponent(names.component(), names.model()));
      return Plan.act(Phase.Updating, actions);
    }
    copyCount(spec, component, applied, bounds).ifPresent(actions::add);
    scaling(spec, alarmed, names, o, applied, bounds, actions);
    cleanup(names, o, endpoint, component, actions);
    return actions.isEmpty()
        ? Plan.act(Phase.InService, actions)
        : Plan.act(applied.everInService() ? Phase.Updating : Phase.Creating, actions);
  }

  private static boolean sameResources(ComponentView c, Resources r) {
    return c.accelerators() == r.accelerators()
        && c.cpus() == r.cpus()
        && c.memoryMb() == r.memoryMb();
  }

  /**
   * A redeploy never resets the count that scaling set, unless it lies outside the new bounds. The
   * one exception is the first scale to 0 of a spec that asks 0 copies (created with 1).
   */
  /** The scalable target's bounds at an instant, and where they come from. */
  public record Bounds(int min, int max, String source) {}

  public static Bounds bounds(DeploymentSpec spec, Instant now) {
    return ScheduledBounds.inForce(spec.scaling().schedules(), now)
        .map(
            w ->
                new Bounds(
                    w.minCapacity(),
                    w.maxCapacity(),
                    "schedule " + w.schedule().name() + " (fired " + w.firedAt() + ")"))
        .orElse(new Bounds(spec.scaling().minCapacity(), spec.scaling().maxCapacity(), "spec"));
  }

  private static java.util.Optional<Action> copyCount(
      DeploymentSpec spec, ComponentView c, Applied applied, Bounds bounds) {
    int current = c.desiredCopies();
    String name = spec.component().name();
    if (spec.scaling().dimension() == Dimension.INSTANCES) {
      int wanted = spec.component().copies();
      return current == wanted
          ? java.util.Optional.empty()
          : java.util.Optional.of(new SetCopyCount(name, current, wanted, "component.copies"));
    }
    if (applied.zeroCopiesPending() && spec.component().copies() == 0 && current > 0) {
      return java.util.Optional.of(
          new SetCopyCount(
              name, current, 0, "the spec asks 0 copies; SageMaker creates with at least 1"));
    }
    int min = bounds.min();
    int max = Math.min(bounds.max(), spec.guardrails().maxCopies());
    int clamped = Math.max(min, Math.min(max, current));
    if (clamped == current) {
      return java.util.Optional.empty();
    }
    String bound =
        (clamped == min ? "below the minimum " + min : "above the maximum " + max)
            + " of the "
            + bounds.source();
    return java.util.Optional.of(new SetCopyCount(name, current, clamped, "count was " + bound));
  }

  private static void scaling(
      DeploymentSpec spec,
      List<StepPolicy> alarmed,
      ResourceNames names,
      Observed o,
      Applied applied,
      Bounds bounds,
      List<Action> actions) {
    int min = bounds.min();
    int max = bounds.max();
    if (o.target().isEmpty()
        || o.target().get().minCapacity() != min
        || o.target().get().maxCapacity() != max) {
      actions.add(new RegisterTarget(names.scalableResourceId(), min, max));
    }
    Map<String, String> desired = desiredPolicies(spec, names);
    for (Map.Entry<String, String> policy : desired.entrySet()) {
      String name = policy.getKey();
      boolean current =
          o.policies().contains(name) && policy.getValue().equals(applied.fingerprints().get(name));
      if (current) {
        continue;
      }
      if (name.equals(names.targetTrackingPolicy())) {
        actions.add(new PutTargetTracking(name));
      } else {
        String specPolicy = name.substring(("copyscale-" + names.deployment() + "-").length());
        actions.add(new PutStepPolicy(specPolicy, name, names.alarm(specPolicy)));
      }
    }
    for (String existing : o.policies()) {
      if (existing.startsWith("copyscale-" + names.deployment() + "-")
          && !desired.containsKey(existing)) {
        actions.add(new DeletePolicy(existing));
      }
    }
    alarms(spec, alarmed, names, o, applied, actions);
    schedules(spec, o, applied, actions);
  }

  /**
   * Every step policy has its alarm under either engine: under native it is put with its policy
   * (its action is the policy); under orchestrated and slo it has no action, as the EventBridge
   * rule routes its state changes to the step-scaling function. An alarm whose policy left the spec
   * goes.
   */
  private static void alarms(
      DeploymentSpec spec,
      List<StepPolicy> alarmed,
      ResourceNames names,
      Observed o,
      Applied applied,
      List<Action> actions) {
    java.util.Set<String> wanted = new java.util.HashSet<>();
    for (StepPolicy p : alarmed) {
      String alarm = names.alarm(p.name());
      wanted.add(alarm);
      if (!spec.scaling().engine().policiesRunInApplicationAutoScaling()) {
        String key = alarmKey(alarm);
        if (!o.alarms().contains(alarm) || !p.toString().equals(applied.fingerprints().get(key))) {
          actions.add(new Action.PutAlarm(p.name(), alarm));
        }
      }
    }
    o.alarms().stream()
        .filter(a -> !wanted.contains(a))
        .sorted()
        .forEach(a -> actions.add(new DeleteAlarm(a)));
  }

  public static String alarmKey(String alarm) {
    return "alarm:" + alarm;
  }

  public static String scheduleKey(String schedule) {
    return "schedule:" + schedule;
  }

  /** The Scheduler schedules of the spec, in the deployment's group; removed ones are deleted. */
  private static void schedules(
      DeploymentSpec spec, Observed o, Applied applied, List<Action> actions) {
    String group = DeployConfig.scheduleGroup(spec.name());
    java.util.Set<String> wanted = new java.util.HashSet<>();
    for (DeploymentSpec.Schedule schedule : spec.scaling().schedules()) {
      wanted.add(schedule.name());
      if (!o.schedules().contains(schedule.name())
          || !schedule
              .toString()
              .equals(applied.fingerprints().get(scheduleKey(schedule.name())))) {
        actions.add(new Action.PutSchedule(group, schedule.name()));
      }
    }
    o.schedules().stream()
        .filter(n -> !wanted.contains(n))
        .sorted()
        .forEach(n -> actions.add(new Action.DeleteSchedule(group, n)));
    // A spec without schedules keeps no empty group behind (Scheduler deletes a group with its
    // schedules too).
    if (wanted.isEmpty() && o.scheduleGroup()) {
      actions.add(new Action.DeleteScheduleGroup(group));
    }
  }

  /** The native policies the spec asks for, by AWS name, with the fingerprint of their settings. */
  public static Map<String, String> desiredPolicies(DeploymentSpec spec, ResourceNames names) {
    Map<String, String> desired = new LinkedHashMap<>();
    if (!spec.scaling().engine().policiesRunInApplicationAutoScaling()) {
      return desired;
    }
    spec.scaling()
        .targetTracking()
        .ifPresent(tt -> desired.put(names.targetTrackingPolicy(), tt.toString()));
    for (StepPolicy p : spec.scaling().stepPolicies()) {
      desired.put(names.policy(p.name()), p.toString());
    }
    return desired;
  }

  /** Old models and endpoint configs of this deployment, once nothing uses them. */
  private static void cleanup(
      ResourceNames names,
      Observed o,
      EndpointView endpoint,
      ComponentView component,
      List<Action> actions) {
    for (String config : o.endpointConfigs()) {
      if (names.owns(config) && !config.equals(endpoint.configName())) {
        actions.add(new DeleteEndpointConfig(config));
      }
    }
    for (String model : o.models()) {
      if (names.owns(model) && !model.equals(component.modelName())) {
        actions.add(new DeleteModel(model));
      }
    }
  }

  /** Tears everything down in reverse order of creation and leaves nothing billable behind. */
  public static Plan planDelete(ResourceNames names, Observed o) {
    List<Action> actions = new ArrayList<>();
    if (o.target().isPresent()) {
      actions.add(new DeregisterTarget(names.scalableResourceId()));
    }
    o.alarms().stream().sorted().forEach(alarm -> actions.add(new DeleteAlarm(alarm)));
    String group = DeployConfig.scheduleGroup(names.deployment());
    o.schedules().stream()
        .sorted()
        .forEach(schedule -> actions.add(new Action.DeleteSchedule(group, schedule)));
    if (o.scheduleGroup()) {
      actions.add(new Action.DeleteScheduleGroup(group));
    }
    if (o.component().isPresent()) {
      if (o.component().get().status().equals("Deleting")) {
        return Plan.waitFor(
            Phase.Deleting, actions, "inference component " + names.component() + " is Deleting");
      }
      actions.add(new DeleteComponent(names.component()));
      return Plan.act(Phase.Deleting, actions);
    }
    if (o.endpoint().isPresent()) {
      if (o.endpoint().get().status().equals("Deleting")) {
        return Plan.waitFor(
            Phase.Deleting, actions, "endpoint " + names.endpoint() + " is Deleting");
      }
      if (Observed.CHANGING.contains(o.endpoint().get().status())) {
        return Plan.waitFor(
            Phase.Deleting,
            actions,
            "endpoint " + names.endpoint() + " is " + o.endpoint().get().status());
      }
      actions.add(new DeleteEndpoint(names.endpoint()));
      return Plan.act(Phase.Deleting, actions);
    }
    o.endpointConfigs().stream()
        .filter(names::owns)
        .sorted()
        .forEach(c -> actions.add(new DeleteEndpointConfig(c)));
    o.models().stream().filter(names::owns).sorted().forEach(m -> actions.add(new DeleteModel(m)));
    return actions.isEmpty() ? Plan.act(Phase.Deleted, actions) : Plan.act(Phase.Deleting, actions);
  }
}

package dev.copyscale.deploy;

import dev.copyscale.deploy.Action.CreateAdapter;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
   * @param alarmed per component (by name), the policies whose CloudWatch alarms the deployment
   *     keeps, as its engine says: the spec's step policies, or engine slo's wake-up alarms, which
   *     no spec lists
   */
  public static Plan plan(
      DeploymentSpec spec,
      Map<String, List<StepPolicy>> alarmed,
      Observed o,
      Applied applied,
      Instant now) {
    List<ResourceNames> each = ResourceNames.ofEach(spec);
    ResourceNames names = each.get(0);
    Phase working = applied.everInService() ? Phase.Updating : Phase.Creating;
    List<Action> actions = new ArrayList<>();

    Set<String> models = new LinkedHashSet<>();
    each.forEach(n -> models.add(n.model()));
    for (String model : models) {
      if (!o.models().contains(model)) {
        actions.add(new CreateModel(model));
      }
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
    List<String> going = removed(spec, o, actions);
    if (!spec.shared()) {
      Step step =
          component(
              spec,
              alarmed.getOrDefault(spec.component().name(), List.of()),
              names,
              o,
              applied,
              now,
              actions);
      if (step.kind() == Step.Kind.SETTLED && !going.isEmpty()) {
        step = new Step(Step.Kind.WAITING, String.join("; ", going));
      }
      return switch (step.kind()) {
        case CREATED -> Plan.act(working, actions);
        case UPDATED -> Plan.act(Phase.Updating, actions);
        case FAILED -> Plan.failed(step.detail());
        case WAITING -> Plan.waitFor(working, actions, step.detail());
        case SETTLED -> {
          schedules(spec, spec.scaling().schedules(), o, applied, actions);
          cleanup(names, o, endpoint, modelsInUse(o, Set.of()), actions);
          yield actions.isEmpty() ? Plan.act(Phase.InService, actions) : Plan.act(working, actions);
        }
      };
    }
    return shared(spec, alarmed, each, o, applied, now, endpoint, going, actions);
  }

  /**
   * Several components on one endpoint: each is planned as the single form plans its one, and one
   * that fails or waits does not stop the others (failure isolation). The deployment is InService
   * when every component and adapter is; Failed, naming them, when the others are settled and some
   * failed.
   */
  private static Plan shared(
      DeploymentSpec spec,
      Map<String, List<StepPolicy>> alarmed,
      List<ResourceNames> each,
      Observed o,
      Applied applied,
      Instant now,
      EndpointView endpoint,
      List<String> going,
      List<Action> actions) {
    List<String> waiting = new ArrayList<>(going);
    List<String> failed = new ArrayList<>();
    boolean updated = false;
    Set<String> inUse = new LinkedHashSet<>();
    List<DeploymentSpec.Schedule> schedules = new ArrayList<>();
    for (int i = 0; i < spec.components().size(); i++) {
      DeploymentSpec.Member m = spec.components().get(i);
      DeploymentSpec view = spec.member(m);
      ResourceNames names = each.get(i);
      schedules.addAll(m.scaling().schedules());
      List<StepPolicy> own = alarmed.getOrDefault(m.name(), List.of());
      Observed mine = o.forComponent(names.component(), names.policyPrefix());
      Applied its =
          new Applied(
              applied.fingerprints(),
              applied.fingerprints().containsKey(zeroKey(names.component())),
              applied.everInService());
      Step step = component(view, own, names, mine, its, now, actions);
      switch (step.kind()) {
        case UPDATED -> updated = true;
        case FAILED -> failed.add(step.detail());
        case WAITING -> waiting.add(step.detail());
        default -> {}
      }
      mine.component().ifPresent(c -> inUse.add(c.modelName()));
    }
    // Alarms no component keeps: those of removed components and of the single form's names.
    Set<String> prefixes = new LinkedHashSet<>();
    each.forEach(n -> prefixes.add(n.policyPrefix()));
    o.alarms().stream()
        .filter(a -> prefixes.stream().noneMatch(a::startsWith))
        .sorted()
        .forEach(a -> actions.add(new DeleteAlarm(a)));
    schedules(spec, schedules, o, applied, actions);
    if (waiting.isEmpty() && failed.isEmpty()) {
      each.forEach(n -> inUse.add(n.model()));
      cleanup(each.get(0), o, endpoint, modelsInUse(o, inUse), actions);
    }
    Optional<String> failure =
        failed.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", failed));
    Optional<String> wait =
        waiting.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", waiting));
    Phase working = applied.everInService() || updated ? Phase.Updating : Phase.Creating;
    if (!actions.isEmpty()) {
      return new Plan(working, actions, wait, failure);
    }
    if (wait.isPresent()) {
      return new Plan(working, actions, wait, failure);
    }
    if (failure.isPresent()) {
      return Plan.failed(failure.get());
    }
    return Plan.act(Phase.InService, actions);
  }

  /** How far one component got: what the single form's plan did at that point. */
  private record Step(Kind kind, String detail) {
    enum Kind {
      CREATED,
      UPDATED,
      FAILED,
      WAITING,
      SETTLED
    }
  }

  /**
   * One component's steps once its endpoint is InService with the current config: create it, wait
   * for it, update its model or compute, then (InService) its copy count, scaling and adapters.
   */
  private static Step component(
      DeploymentSpec spec,
      List<StepPolicy> alarmed,
      ResourceNames names,
      Observed o,
      Applied applied,
      Instant now,
      List<Action> actions) {
    if (o.component().isEmpty()) {
      actions.add(
          new CreateComponent(
              names.component(), names.model(), Math.max(1, spec.component().copies())));
      return new Step(Step.Kind.CREATED, "");
    }
    ComponentView component = o.component().get();
    if (component.status().equals("Failed")) {
      return new Step(
          Step.Kind.FAILED,
          "inference component "
              + names.component()
              + " failed"
              + component.failureReason().map(r -> ": " + r).orElse(""));
    }
    if (!component.status().equals("InService")) {
      return new Step(
          Step.Kind.WAITING,
          "inference component " + names.component() + " is " + component.status());
    }
    if (!component.modelName().equals(names.model())
        || !sameResources(component, spec.component().resources())) {
      actions.add(new UpdateComponent(names.component(), names.model()));
      return new Step(Step.Kind.UPDATED, "");
    }
    Bounds bounds = bounds(spec, now);
    copyCount(spec, component, applied, bounds).ifPresent(actions::add);
    scaling(spec, alarmed, names, o, applied, bounds, actions);
    return adapters(spec.component(), o, actions);
  }

  /**
   * A component's adapters, once it is InService: created with their base, and one whose base or
   * weights changed is deleted first (SageMaker cannot change an adapter's base; its weights are
   * loaded when it is created) and created again on a later round.
   */
  private static Step adapters(DeploymentSpec.Component base, Observed o, List<Action> actions) {
    List<String> waiting = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (DeploymentSpec.Adapter a : base.adapters()) {
      ComponentView seen = o.onEndpoint().get(a.name());
      if (seen == null) {
        actions.add(new CreateAdapter(a.name(), base.name(), a.artifactUrl()));
      } else if (seen.status().equals("Failed")) {
        failed.add(
            "adapter inference component "
                + a.name()
                + " failed"
                + seen.failureReason().map(r -> ": " + r).orElse(""));
      } else if (!seen.status().equals("InService")) {
        waiting.add("adapter inference component " + a.name() + " is " + seen.status());
      } else if (!seen.base().equals(Optional.of(base.name()))
          || !seen.artifactUrl().equals(Optional.of(a.artifactUrl()))) {
        actions.add(new DeleteComponent(a.name()));
      }
    }
    if (!failed.isEmpty()) {
      return new Step(Step.Kind.FAILED, String.join("; ", failed));
    }
    if (!waiting.isEmpty()) {
      return new Step(Step.Kind.WAITING, String.join("; ", waiting));
    }
    return new Step(Step.Kind.SETTLED, "");
  }

  /**
   * Inference components on the endpoint the spec no longer lists: adapters first, then the
   * component's scalable target (Application Auto Scaling deletes its policies with it), then the
   * component, once no adapter of it is left. Its alarms go with the alarms no component keeps.
   */
  private static List<String> removed(DeploymentSpec spec, Observed o, List<Action> actions) {
    List<String> deleting = new ArrayList<>();
    Set<String> components = new LinkedHashSet<>();
    Set<String> adapters = new LinkedHashSet<>();
    for (DeploymentSpec.Member m : spec.components()) {
      components.add(m.name());
      m.component().adapters().forEach(a -> adapters.add(a.name()));
    }
    Set<String> basesWithAdapters = new java.util.HashSet<>();
    new java.util.TreeMap<>(o.onEndpoint())
        .forEach(
            (name, c) -> {
              if (c.base().isPresent() && !adapters.contains(name)) {
                if (c.status().equals("Deleting")) {
                  deleting.add("adapter inference component " + name + " is Deleting");
                } else {
                  actions.add(new DeleteComponent(name));
                }
              }
              c.base().ifPresent(basesWithAdapters::add);
            });
    new java.util.TreeMap<>(o.onEndpoint())
        .forEach(
            (name, c) -> {
              if (c.base().isPresent() || components.contains(name)) {
                return;
              }
              Observed.Scaled scaled = o.scaling().getOrDefault(name, Observed.Scaled.NONE);
              if (scaled.target().isPresent()) {
                actions.add(new DeregisterTarget(componentResourceId(name)));
              }
              if (c.status().equals("Deleting")) {
                deleting.add("inference component " + name + " is Deleting");
              } else if (!basesWithAdapters.contains(name)) {
                actions.add(new DeleteComponent(name));
              }
            });
    return deleting;
  }

  /**
   * The spec as the component an action is for ({@link DeploymentSpec#member}): by its model,
   * component, scalable target or policy and alarm names. The spec itself for the single form, and
   * for actions on the endpoint or on what the spec no longer lists.
   */
  public static DeploymentSpec memberFor(DeploymentSpec spec, Action action) {
    if (!spec.shared()) {
      return spec;
    }
    for (DeploymentSpec.Member m : spec.components()) {
      DeploymentSpec view = spec.member(m);
      boolean mine = isFor(ResourceNames.of(view), action);
      if (mine) {
        return view;
      }
    }
    return spec;
  }

  private static boolean isFor(ResourceNames n, Action action) {
    if (action instanceof CreateModel a) {
      return a.name().equals(n.model());
    }
    if (action instanceof CreateComponent a) {
      return a.name().equals(n.component());
    }
    if (action instanceof UpdateComponent a) {
      return a.name().equals(n.component());
    }
    if (action instanceof SetCopyCount a) {
      return a.name().equals(n.component());
    }
    if (action instanceof RegisterTarget a) {
      return a.resourceId().equals(n.scalableResourceId());
    }
    if (action instanceof DeletePolicy a) {
      return a.resourceId().equals(n.scalableResourceId());
    }
    if (action instanceof PutTargetTracking a) {
      return a.policy().startsWith(n.policyPrefix());
    }
    if (action instanceof PutStepPolicy a) {
      return a.policy().startsWith(n.policyPrefix());
    }
    return action instanceof Action.PutAlarm a && a.alarm().startsWith(n.policyPrefix());
  }

  /** The scalable target of an inference component's copies. */
  public static String componentResourceId(String component) {
    return "inference-component/" + component;
  }

  /** The fingerprint key that says a component of a shared endpoint waits to go to 0 copies. */
  public static String zeroKey(String component) {
    return "zero:" + component;
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
        String specPolicy = name.substring(names.policyPrefix().length());
        actions.add(new PutStepPolicy(specPolicy, name, names.alarm(specPolicy)));
      }
    }
    for (String existing : o.policies()) {
      if (existing.startsWith("copyscale-" + names.deployment() + "-")
          && !desired.containsKey(existing)) {
        actions.add(new DeletePolicy(existing, names.scalableResourceId()));
      }
    }
    alarms(spec, alarmed, names, o, applied, actions);
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
      DeploymentSpec spec,
      List<DeploymentSpec.Schedule> all,
      Observed o,
      Applied applied,
      List<Action> actions) {
    String group = DeployConfig.scheduleGroup(spec.name());
    java.util.Set<String> wanted = new java.util.HashSet<>();
    for (DeploymentSpec.Schedule schedule : all) {
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

  /**
   * The models a component on the endpoint still runs (one the spec no longer lists, still
   * Deleting, too), with {@code wanted}.
   */
  private static Set<String> modelsInUse(Observed o, Set<String> wanted) {
    Set<String> inUse = new LinkedHashSet<>(wanted);
    o.component().ifPresent(c -> inUse.add(c.modelName()));
    o.onEndpoint().values().stream()
        .map(ComponentView::modelName)
        .filter(java.util.Objects::nonNull)
        .forEach(inUse::add);
    return inUse;
  }

  /** Old models and endpoint configs of this deployment, once nothing uses them. */
  private static void cleanup(
      ResourceNames names,
      Observed o,
      EndpointView endpoint,
      Set<String> modelsInUse,
      List<Action> actions) {
    for (String config : o.endpointConfigs()) {
      if (names.owns(config) && !config.equals(endpoint.configName())) {
        actions.add(new DeleteEndpointConfig(config));
      }
    }
    for (String model : o.models()) {
      if (names.owns(model) && !modelsInUse.contains(model)) {
        actions.add(new DeleteModel(model));
      }
    }
  }

  /**
   * Tears everything down in reverse order of creation and leaves nothing billable behind: scaling,
   * alarms and schedules, then the adapters, then the components once no adapter is left, then the
   * endpoint, its configs and the models.
   */
  public static Plan planDelete(ResourceNames names, Observed o) {
    List<Action> actions = new ArrayList<>();
    if (o.target().isPresent()) {
      actions.add(new DeregisterTarget(names.scalableResourceId()));
    }
    new java.util.TreeMap<>(o.scaling())
        .forEach(
            (component, scaled) -> {
              String id = componentResourceId(component);
              if (scaled.target().isPresent() && !id.equals(names.scalableResourceId())) {
                actions.add(new DeregisterTarget(id));
              }
            });
    o.alarms().stream().sorted().forEach(alarm -> actions.add(new DeleteAlarm(alarm)));
    String group = DeployConfig.scheduleGroup(names.deployment());
    o.schedules().stream()
        .sorted()
        .forEach(schedule -> actions.add(new Action.DeleteSchedule(group, schedule)));
    if (o.scheduleGroup()) {
      actions.add(new Action.DeleteScheduleGroup(group));
    }
    java.util.TreeMap<String, ComponentView> adapters = new java.util.TreeMap<>();
    java.util.TreeMap<String, ComponentView> components = new java.util.TreeMap<>();
    o.onEndpoint()
        .forEach((name, c) -> (c.base().isPresent() ? adapters : components).put(name, c));
    o.component().ifPresent(c -> components.put(names.component(), c));
    for (java.util.TreeMap<String, ComponentView> stage : List.of(adapters, components)) {
      if (stage.isEmpty()) {
        continue;
      }
      List<String> deleting = new ArrayList<>();
      stage.forEach(
          (name, c) -> {
            if (c.status().equals("Deleting")) {
              deleting.add(name);
            } else {
              actions.add(new DeleteComponent(name));
            }
          });
      if (deleting.size() == stage.size()) {
        return Plan.waitFor(
            Phase.Deleting,
            actions,
            (stage == adapters ? "adapter inference component" : "inference component")
                + (deleting.size() == 1 ? " " : "s ")
                + String.join(", ", deleting)
                + (deleting.size() == 1 ? " is" : " are")
                + " Deleting");
      }
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

package dev.copyscale.twin.sagemaker;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.FirstFit;
import dev.copyscale.twin.sagemaker.SageMakerState.Component;
import dev.copyscale.twin.sagemaker.SageMakerState.Copy;
import dev.copyscale.twin.sagemaker.SageMakerState.Endpoint;
import dev.copyscale.twin.sagemaker.SageMakerState.EndpointConfig;
import dev.copyscale.twin.sagemaker.SageMakerState.Instance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where copies run and when they serve: first-fit placement of copies on instances with room for
 * their accelerators, CPUs and memory; managed instance scaling (instances added for copies that do
 * not fit, up to its maximum; empty ones released down to its minimum); copy start-up (image pull
 * unless the instance has the image, then model load, copies started together one stagger apart);
 * rolling a component to a new specification; and the fleet switch that completes UpdateEndpoint.
 */
final class Placement {
  private final SageMakerState state;
  private final TwinTimings timings;

  Placement(SageMakerState state, TwinTimings timings) {
    this.state = state;
    this.timings = timings;
  }

  /**
   * The catalog's figures for an instance type; SageMaker's twin cannot host a type it cannot size.
   */
  static InstanceType instanceType(String name) {
    return Catalog.bundled()
        .instanceType(name)
        .orElseThrow(
            () ->
                SageMakerErrors.validation(
                    "The instance type "
                        + name
                        + " is not supported by the twin: it is not in copyscale's catalog, so its"
                        + " accelerators, CPUs and memory are unknown."));
  }

  /**
   * SageMaker's kind of reason when EC2 has no capacity for the instance type (AWS ML blog,
   * "Capacity-aware inference", May 2026: without instance pools an endpoint fails to create, or to
   * scale out, with an Insufficient Capacity error).
   */
  static String insufficientCapacity(String type) {
    return "Unable to provision requested ML compute capacity due to InsufficientInstanceCapacity"
        + " error for "
        + type
        + ". Please retry using a different ML instance type or after some time.";
  }

  List<Component> componentsOn(String endpoint) {
    return state.components().values().stream()
        .filter(c -> c.endpointName().equals(endpoint))
        .toList();
  }

  /** The fleet new copies go to: the new config's during UpdateEndpoint, else the current one's. */
  static String targetFleet(Endpoint e) {
    return e.pendingConfig() != null ? e.pendingConfig() : e.configName();
  }

  static String fleetOf(Endpoint e, Instance i) {
    return i.fleet() == null ? e.configName() : i.fleet();
  }

  List<Instance> fleet(Endpoint e, String config) {
    return e.instances().stream().filter(i -> fleetOf(e, i).equals(config)).toList();
  }

  private boolean onFleet(Endpoint e, Copy copy, String config) {
    return e.instances().stream()
        .anyMatch(i -> i.id().equals(copy.instanceId()) && fleetOf(e, i).equals(config));
  }

  /** Copies of the current specification on the target fleet: what the component is heading to. */
  List<Copy> active(Endpoint e, Component c) {
    String fleet = targetFleet(e);
    return c.copies().stream()
        .filter(x -> x.generation() == c.generation() && onFleet(e, x, fleet))
        .toList();
  }

  /**
   * Copies of an older specification on the target fleet: they serve until their batch is replaced.
   */
  List<Copy> superseded(Endpoint e, Component c) {
    String fleet = targetFleet(e);
    return c.copies().stream()
        .filter(x -> x.generation() < c.generation() && onFleet(e, x, fleet))
        .toList();
  }

  Instance newInstance(String type, String fleet, Instant readyAt) {
    return new Instance("i-" + String.format("%06d", state.takeId()), type, fleet, readyAt);
  }

  int copiesOn(String instanceId) {
    return state.components().values().stream()
        .mapToInt(
            c -> (int) c.copies().stream().filter(x -> x.instanceId().equals(instanceId)).count())
        .sum();
  }

  /** What one copy of {@code c}'s current specification reserves on an instance. */
  static CopyResources resources(Component c) {
    return new CopyResources(c.accelerators(), c.cpus(), c.memoryMb());
  }

  /**
   * The copies on each of {@code instances} as core's {@link FirstFit} sees them: every copy (of
   * any component and specification) keyed by its id, its size in {@code sizes}.
   */
  private List<Map<String, Integer>> held(
      List<Instance> instances, Map<String, CopyResources> sizes) {
    Map<String, Map<String, Integer>> byInstance = new HashMap<>();
    instances.forEach(i -> byInstance.put(i.id(), new HashMap<>()));
    for (Component c : state.components().values()) {
      for (Copy x : c.copies()) {
        Map<String, Integer> on = byInstance.get(x.instanceId());
        if (on != null) {
          on.put(x.id(), 1);
          sizes.put(x.id(), new CopyResources(x.accelerators(), x.cpus(), x.memoryMb()));
        }
      }
    }
    return instances.stream().map(i -> byInstance.get(i.id())).toList();
  }

  /**
   * Brings every component on {@code e} towards its desired copies at {@code at}, then releases
   * instances managed instance scaling no longer needs.
   */
  void place(Endpoint e, Instant at) {
    if (e.deletingUntil() != null) {
      return;
    }
    EndpointConfig config = state.endpointConfig(targetFleet(e));
    List<Component> components = componentsOn(e.name());
    if (!components.isEmpty()) {
      e.markHostedComponents();
    }
    for (Component c : components) {
      if (c.deletingUntil() != null || c.failureReason() != null || c.adapter()) {
        continue;
      }
      if (!superseded(e, c).isEmpty() || c.batchDoneAt() != null) {
        roll(e, c, config, at);
      } else {
        start(e, c, config, at, c.desiredCopies() - active(e, c).size(), 0);
      }
    }
    release(e, config, at);
  }

  /**
   * Starts up to {@code count} copies of {@code c}'s current specification, first-fit on the target
   * fleet (instances that are ready first), adding instances when managed instance scaling allows.
   * Copies started together come up one stagger apart, from {@code stagger} on.
   */
  private List<Copy> start(
      Endpoint e, Component c, EndpointConfig config, Instant at, int count, int stagger) {
    List<Copy> started = new ArrayList<>();
    if (count <= 0) {
      return started;
    }
    InstanceType type = instanceType(config.instanceType());
    CopyResources size = resources(c);
    // A copy no instance of the type has room for: no instance is added for it, it stays pending.
    boolean fitsAnInstance = FirstFit.fits(type, Map.of(), Map.of(), size);
    while (started.size() < count) {
      // Ready instances first (the oldest), then first fit: the core rule the arbiter plans by.
      List<Instance> fleet =
          fleet(e, config.name()).stream()
              .sorted(Comparator.comparing((Instance i) -> i.readyAt()))
              .toList();
      Map<String, CopyResources> sizes = new HashMap<>();
      int first = FirstFit.firstWithRoom(type, held(fleet, sizes), sizes, size);
      Optional<Instance> room = first < 0 ? Optional.empty() : Optional.of(fleet.get(first));
      if (room.isEmpty()
          && fitsAnInstance
          && config.managedInstanceScaling()
          && fleet.size() < config.maxInstances()) {
        if (timings.outOfCapacity().contains(config.instanceType())) {
          e.recordFailure(insufficientCapacity(config.instanceType()), false);
          break;
        }
        Instance added =
            newInstance(
                config.instanceType(), config.name(), at.plus(timings.instanceProvisioning()));
        e.addInstance(added);
        room = Optional.of(added);
      }
      if (room.isEmpty()) {
        break;
      }
      Copy copy = copyOn(room.get(), c, at, stagger + started.size());
      c.addCopy(copy);
      started.add(copy);
    }
    return started;
  }

  /**
   * A copy on {@code host}, stage by stage as SageMaker starts one: the instance is provisioned (if
   * new); the container image is there (on the instance already, or cached: the default) or pulled,
   * while the model artifacts download beside it (skipped where data caching is on and the instance
   * holds them); then the container starts, loads the weights and passes its health check. A copy
   * whose download outlasts ModelDataDownloadTimeoutInSeconds, or whose weights and KV cache do not
   * fit its accelerators (it never passes the health check), fails instead, at its timeout.
   */
  private Copy copyOn(Instance host, Component c, Instant at, int stagger) {
    Instant start = host.readyAt().isAfter(at) ? host.readyAt() : at;
    Instant imageReady = host.imageReadyAt(c.image());
    if (imageReady == null) {
      imageReady = timings.imageCached() ? start : start.plus(timings.imagePull());
      host.pullImage(c.image(), imageReady);
    }
    boolean besidePull = imageReady.isAfter(start);
    ModelWeights weights = ModelWeights.of(environment(c), Math.round(c.accelerators()), timings);
    String artifacts = c.modelName() != null ? c.modelName() : c.name();
    Instant cachedAt = c.dataCache() ? host.modelDataReadyAt(artifacts) : null;
    java.time.Duration download = timings.download(weights.gigabytes(), besidePull);
    Instant downloaded =
        cachedAt != null ? (cachedAt.isAfter(start) ? cachedAt : start) : start.plus(download);
    if (c.dataCache()) {
      host.cacheModelData(artifacts, downloaded);
    }
    String id = c.name() + "-copy-" + state.takeId();
    Integer downloadTimeout = c.modelDataDownloadTimeoutSeconds();
    if (cachedAt == null && downloadTimeout != null && download.getSeconds() > downloadTimeout) {
      Instant failsAt = start.plusSeconds(downloadTimeout);
      return failing(
          id,
          host,
          c,
          failsAt,
          "Model data download timed out after "
              + downloadTimeout
              + " seconds (ModelDataDownloadTimeoutInSeconds) downloading "
              + String.format(java.util.Locale.ROOT, "%.1f", weights.gigabytes())
              + " GB of model artifacts.");
    }
    Instant loadFrom = imageReady.isAfter(downloaded) ? imageReady : downloaded;
    java.time.Duration healthCheck =
        c.containerStartupHealthCheckTimeoutSeconds() == null
            ? timings.healthCheckTimeout()
            : java.time.Duration.ofSeconds(c.containerStartupHealthCheckTimeoutSeconds());
    java.util.Optional<String> tooBig =
        weights.doesNotFit(instanceType(host.instanceType()), Math.round(c.accelerators()));
    java.time.Duration load = timings.load(weights.gigabytes());
    if (tooBig.isPresent() || load.compareTo(healthCheck) > 0) {
      String why =
          tooBig.orElse("the container took longer to load the model than the health check allows");
      return failing(
          id,
          host,
          c,
          loadFrom.plus(healthCheck),
          "The primary container for production variant did not pass the ping health check within "
              + healthCheck.toSeconds()
              + " seconds (ContainerStartupHealthCheckTimeoutInSeconds): "
              + why
              + ".");
    }
    return new Copy(
        id,
        host.id(),
        c.generation(),
        c.accelerators(),
        c.cpus(),
        c.memoryMb(),
        loadFrom.plus(load).plus(timings.copyStagger().multipliedBy(stagger)));
  }

  /**
   * A copy that never serves: at {@code failsAt} it fails with {@code reason}, and the component
   * with it.
   */
  private static Copy failing(
      String id, Instance host, Component c, Instant failsAt, String reason) {
    return new Copy(
        id,
        host.id(),
        c.generation(),
        c.accelerators(),
        c.cpus(),
        c.memoryMb(),
        failsAt.plus(java.time.Duration.ofDays(3650)),
        failsAt,
        reason);
  }

  /** The container's environment: the model's, overlaid by the component's. */
  private java.util.Map<String, String> environment(Component c) {
    java.util.Map<String, String> env = new java.util.TreeMap<>();
    if (c.modelName() != null && state.models().containsKey(c.modelName())) {
      env.putAll(state.models().get(c.modelName()).environment());
    }
    env.putAll(c.environment());
    return env;
  }

  /**
   * One step of rolling {@code c} to its current specification. A batch of new copies starts beside
   * the old ones (blue/green: the whole fleet; with a rolling update policy: its batch size); when
   * the batch serves and has baked for the policy's wait interval, as many old copies retire
   * ({@link #finishBatch}). Where no room for a new copy can come, an old copy is replaced in
   * place.
   */
  private void roll(Endpoint e, Component c, EndpointConfig config, Instant at) {
    if (c.batchDoneAt() != null) {
      return;
    }
    List<Copy> old = new ArrayList<>(superseded(e, c));
    int missing = c.desiredCopies() - active(e, c).size();
    if (missing <= 0) {
      c.removeCopies(old);
      return;
    }
    int batch =
        c.rollingBatchCopies() == null ? missing : Math.min(c.rollingBatchCopies(), missing);
    List<Copy> started = new ArrayList<>(start(e, c, config, at, batch, 0));
    int replacedInPlace = 0;
    while (started.size() < batch && !old.isEmpty()) {
      c.removeCopy(old.remove(0));
      replacedInPlace++;
      started.addAll(start(e, c, config, at, batch - started.size(), started.size()));
    }
    if (started.isEmpty()) {
      return;
    }
    Instant served =
        started.stream().map(Copy::readyAt).max(Comparator.naturalOrder()).orElseThrow();
    c.startBatch(
        served.plusSeconds(c.rollingWaitSeconds()), Math.max(0, started.size() - replacedInPlace));
  }

  /**
   * A batch has served and baked: the old copies it replaces retire (all of them after the last
   * batch).
   */
  void finishBatch(Endpoint e, Component c) {
    List<Copy> old = new ArrayList<>(superseded(e, c));
    int retire =
        active(e, c).size() >= c.desiredCopies()
            ? old.size()
            : Math.min(c.batchRetires(), old.size());
    c.removeCopies(old.subList(0, retire));
    c.finishBatch();
  }

  /**
   * Completes UpdateEndpoint once the new fleet is ready and every component's copies on it serve
   * (or no more fit there): the old fleet and the copies on it go, the new config is the
   * endpoint's.
   */
  boolean switchFleet(Endpoint e, Instant at) {
    if (e.pendingConfig() == null) {
      return false;
    }
    List<Instance> next = fleet(e, e.pendingConfig());
    if (next.stream().anyMatch(i -> i.readyAt().isAfter(at))) {
      return false;
    }
    for (Component c : componentsOn(e.name())) {
      List<Copy> active = active(e, c);
      if (c.deletingUntil() == null && active.stream().anyMatch(x -> x.readyAt().isAfter(at))) {
        return false;
      }
    }
    List<String> retiring =
        e.instances().stream()
            .filter(i -> !fleetOf(e, i).equals(e.pendingConfig()))
            .map(i -> i.id())
            .toList();
    e.removeInstancesIf(i -> retiring.contains(i.id()));
    for (Component c : componentsOn(e.name())) {
      c.removeCopiesIf(x -> retiring.contains(x.instanceId()));
      c.moveToVariant(state.endpointConfig(e.pendingConfig()).variantName());
    }
    e.completeUpdate(at);
    return true;
  }

  /**
   * Managed instance scaling releases ready, empty instances down to its minimum (as its
   * IDLE_RELEASE scale-in strategy does), on an endpoint that hosts inference components (only
   * those scale to zero) or has hosted them (its last component deleted, its instances go too).
   */
  private void release(Endpoint e, EndpointConfig config, Instant at) {
    if (!config.managedInstanceScaling() || e.pendingConfig() != null || !e.hostedComponents()) {
      return;
    }
    List<Instance> fleet = new ArrayList<>(fleet(e, config.name()));
    List<Instance> empty =
        new ArrayList<>(
            fleet.stream().filter(i -> !i.readyAt().isAfter(at) && copiesOn(i.id()) == 0).toList());
    // The newest empty instance goes first, so long-lived instances (and their cached images) stay.
    empty.sort(Comparator.comparing((Instance i) -> i.readyAt()).reversed());
    int count = fleet.size();
    for (Instance i : empty) {
      if (count <= config.minInstances()) {
        break;
      }
      e.removeInstance(i);
      count--;
    }
  }

  /**
   * Removes {@code count} instances of the current fleet, emptiest and newest first; copies on them
   * are lost and placed again.
   */
  void removeInstances(Endpoint e, int count, Instant at) {
    List<Instance> order = new ArrayList<>(fleet(e, e.configName()));
    order.sort(
        Comparator.comparingInt((Instance i) -> copiesOn(i.id()))
            .thenComparing((Instance i) -> i.readyAt(), Comparator.reverseOrder()));
    for (Instance gone : order.subList(0, count)) {
      e.removeInstance(gone);
      for (Component c : componentsOn(e.name())) {
        c.removeCopiesIf(copy -> copy.instanceId().equals(gone.id()));
      }
    }
    place(e, at);
  }

  /** Drops copies beyond the desired count: still-starting ones first, then the newest. */
  void removeSurplus(Endpoint e, Component c) {
    List<Copy> active = new ArrayList<>(active(e, c));
    active.sort(Comparator.comparing((Copy x) -> x.readyAt()).reversed());
    for (int i = 0; i < active.size() - c.desiredCopies(); i++) {
      c.removeCopy(active.get(i));
    }
  }
}

package dev.copyscale.twin.sagemaker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the twin's SageMaker holds, as persisted in the world file. Statuses are not stored; they
 * follow from these facts and the time (see {@link SageMakerTwin}). Every pending transition is a
 * time in here (an instance's or a copy's {@code readyAt}, a rolling batch's {@code batchDoneAt}, a
 * deletion's {@code deletingUntil}), so saving the state saves the transitions too.
 *
 * <p>Jackson reads and writes the private fields (the world file's shape is theirs; they are not
 * final so that it can). Only {@link SageMakerTwin} and {@link Placement} change the state, under
 * the twin's lock, through the package-private methods that say what changes; everyone else reads
 * unmodifiable views.
 */
public final class SageMakerState {
  private TreeMap<String, Model> models = new TreeMap<>();
  private TreeMap<String, EndpointConfig> endpointConfigs = new TreeMap<>();

  /**
   * Configs deleted while an endpoint still runs on them: SageMaker allows that, and the endpoint
   * keeps running.
   */
  private TreeMap<String, EndpointConfig> deletedConfigsInUse = new TreeMap<>();

  private TreeMap<String, Endpoint> endpoints = new TreeMap<>();
  private TreeMap<String, Component> components = new TreeMap<>();

  /** For instance and copy ids: deterministic, so a world replays identically. */
  private long nextId = 1;

  /** Transitions up to this instant have been applied. */
  private Instant settledUntil = Instant.EPOCH;

  public SortedMap<String, Model> models() {
    return Collections.unmodifiableSortedMap(models);
  }

  public SortedMap<String, EndpointConfig> endpointConfigs() {
    return Collections.unmodifiableSortedMap(endpointConfigs);
  }

  public SortedMap<String, EndpointConfig> deletedConfigsInUse() {
    return Collections.unmodifiableSortedMap(deletedConfigsInUse);
  }

  public SortedMap<String, Endpoint> endpoints() {
    return Collections.unmodifiableSortedMap(endpoints);
  }

  public SortedMap<String, Component> components() {
    return Collections.unmodifiableSortedMap(components);
  }

  /** The config an endpoint runs on, even when it has been deleted since. */
  public EndpointConfig endpointConfig(String name) {
    EndpointConfig live = endpointConfigs.get(name);
    return live != null ? live : deletedConfigsInUse.get(name);
  }

  void addModel(Model m) {
    models.put(m.name(), m);
  }

  void removeModel(String name) {
    models.remove(name);
  }

  void addEndpointConfig(EndpointConfig c) {
    endpointConfigs.put(c.name(), c);
  }

  /**
   * Deletes a config; one an endpoint still runs on (or moves to) is kept aside until no endpoint
   * does.
   */
  void deleteEndpointConfig(String name) {
    EndpointConfig c = endpointConfigs.remove(name);
    if (c != null
        && endpoints.values().stream()
            .anyMatch(e -> name.equals(e.configName()) || name.equals(e.pendingConfig()))) {
      deletedConfigsInUse.put(name, c);
    }
  }

  /** Forgets deleted configs no endpoint runs on any more. */
  void forgetUnusedConfigs() {
    deletedConfigsInUse
        .keySet()
        .removeIf(
            name ->
                endpoints.values().stream()
                    .noneMatch(e -> name.equals(e.configName()) || name.equals(e.pendingConfig())));
  }

  void addEndpoint(Endpoint e) {
    endpoints.put(e.name(), e);
  }

  void addComponent(Component c) {
    components.put(c.name(), c);
  }

  /** Components, then endpoints, whose deletion has finished by {@code at} are gone. */
  void removeDeleted(Instant at) {
    components.values().removeIf(c -> c.deletingUntil() != null && !c.deletingUntil().isAfter(at));
    endpoints.values().removeIf(e -> e.deletingUntil() != null && !e.deletingUntil().isAfter(at));
  }

  /** The next instance or copy id; each is used once. */
  long takeId() {
    return nextId++;
  }

  Instant settledUntil() {
    return settledUntil;
  }

  /** Transitions up to {@code at} have been applied. */
  void settledTo(Instant at) {
    settledUntil = at;
  }

  /** An unmodifiable sorted copy; null (a key missing from an old world file) is empty. */
  private static <V> SortedMap<String, V> sorted(Map<String, V> map) {
    return Collections.unmodifiableSortedMap(map == null ? new TreeMap<>() : new TreeMap<>(map));
  }

  /** A model; SageMaker changes nothing of it after CreateModel. */
  /**
   * @param modelDataS3Uri the container's ModelDataSource.S3DataSource, when the weights come from
   *     S3 (with its data type and compression)
   */
  public record Model(
      String name,
      String image,
      Map<String, String> environment,
      String modelDataS3Uri,
      String modelDataS3DataType,
      String modelDataCompression,
      String executionRoleArn,
      Instant created,
      Map<String, String> tags) {
    public Model {
      environment = sorted(environment);
      tags = sorted(tags);
    }
  }

  /**
   * An endpoint config: one variant, inference-component style; SageMaker changes nothing of it
   * after CreateEndpointConfig.
   */
  public record EndpointConfig(
      String name,
      String executionRoleArn,
      String variantName,
      String instanceType,
      int initialInstanceCount,
      boolean managedInstanceScaling,
      int minInstances,
      int maxInstances,
      String routing,
      Instant created,
      Map<String, String> tags) {
    public EndpointConfig {
      tags = sorted(tags);
    }
  }

  /** One instance of an endpoint's fleet; what changes is which images it holds. */
  public static final class Instance {
    private String id;
    private String instanceType;

    /**
     * The endpoint config whose fleet the instance belongs to (two fleets live side by side during
     * UpdateEndpoint).
     */
    private String fleet;

    private Instant readyAt;

    /** When each container image is (or will be) on this instance. */
    private TreeMap<String, Instant> images = new TreeMap<>();

    /**
     * When each model's artifacts are (or will be) on this instance, for components with data
     * caching on.
     */
    private TreeMap<String, Instant> modelData = new TreeMap<>();

    /** For Jackson. */
    private Instance() {}

    Instance(String id, String instanceType, String fleet, Instant readyAt) {
      this.id = id;
      this.instanceType = instanceType;
      this.fleet = fleet;
      this.readyAt = readyAt;
    }

    public String id() {
      return id;
    }

    public String instanceType() {
      return instanceType;
    }

    public String fleet() {
      return fleet;
    }

    public Instant readyAt() {
      return readyAt;
    }

    public Map<String, Instant> images() {
      return Collections.unmodifiableMap(images);
    }

    /**
     * When {@code image} is (or will be) on this instance; null if it has never been pulled here.
     */
    Instant imageReadyAt(String image) {
      return images.get(image);
    }

    /**
     * A pull of {@code image} that completes at {@code ready} (later copies of it skip the pull:
     * container caching).
     */
    void pullImage(String image, Instant ready) {
      images.put(image, ready);
    }

    public Map<String, Instant> modelData() {
      return modelData == null ? Map.of() : Collections.unmodifiableMap(modelData);
    }

    /**
     * When {@code model}'s artifacts are (or will be) cached on this instance; null if they never
     * were.
     */
    Instant modelDataReadyAt(String model) {
      return modelData == null ? null : modelData.get(model);
    }

    void cacheModelData(String model, Instant ready) {
      if (modelData == null) {
        modelData = new TreeMap<>();
      }
      modelData.putIfAbsent(model, ready);
    }
  }

  /** An endpoint: its fleet of instances, an UpdateEndpoint in flight, a deletion in flight. */
  public static final class Endpoint {
    private String name;
    private String configName;
    private Instant created;
    private Instant modified;

    /**
     * Set when the endpoint first reached InService: later provisioning is an update, not the
     * creation.
     */
    private Instant firstInService;

    /**
     * Instances of the current fleet and, during UpdateEndpoint, of the new one (ready or
     * provisioning).
     */
    private List<Instance> instances = new ArrayList<>();

    /** UpdateEndpoint in progress: the config whose fleet takes over once its copies serve. */
    private String pendingConfig;

    private Instant deletingUntil;
    private TreeMap<String, String> tags = new TreeMap<>();

    /**
     * Why the last instance change failed (no capacity); with {@code failed}, why the endpoint is
     * Failed.
     */
    private String failureReason;

    private boolean failed;

    /**
     * Whether inference components have been placed on it: from then on managed instance scaling
     * releases its idle instances, also once its last component is gone.
     */
    private boolean hostedComponents;

    /** For Jackson. */
    private Endpoint() {}

    public boolean hostedComponents() {
      return hostedComponents;
    }

    void markHostedComponents() {
      hostedComponents = true;
    }

    public String failureReason() {
      return failureReason;
    }

    public boolean failed() {
      return failed;
    }

    /**
     * An instance change failed: the endpoint says why; {@code fatal}: it is Failed (creation found
     * no capacity).
     */
    void recordFailure(String reason, boolean fatal) {
      failureReason = reason;
      failed = failed || fatal;
    }

    Endpoint(String name, String configName, Instant created, Map<String, String> tags) {
      this.name = name;
      this.configName = configName;
      this.created = created;
      this.modified = created;
      this.tags = new TreeMap<>(tags);
    }

    public String name() {
      return name;
    }

    public String configName() {
      return configName;
    }

    public Instant created() {
      return created;
    }

    public Instant modified() {
      return modified;
    }

    public Instant firstInService() {
      return firstInService;
    }

    public List<Instance> instances() {
      return Collections.unmodifiableList(instances);
    }

    public String pendingConfig() {
      return pendingConfig;
    }

    public Instant deletingUntil() {
      return deletingUntil;
    }

    public Map<String, String> tags() {
      return Collections.unmodifiableMap(tags);
    }

    void addInstance(Instance i) {
      instances.add(i);
    }

    void removeInstance(Instance i) {
      instances.remove(i);
    }

    void removeInstancesIf(Predicate<Instance> which) {
      instances.removeIf(which);
    }

    void markModified(Instant at) {
      modified = at;
    }

    /** UpdateEndpoint began: {@code config}'s fleet provisions beside the current one. */
    void startUpdate(String config, Instant at) {
      pendingConfig = config;
      modified = at;
    }

    /** UpdateEndpoint completed: the pending config is the endpoint's. */
    void completeUpdate(Instant at) {
      configName = pendingConfig;
      pendingConfig = null;
      modified = at;
    }

    void startDeletion(Instant until) {
      deletingUntil = until;
    }

    void markInService(Instant at) {
      firstInService = at;
    }
  }

  /**
   * One copy of a component on one instance, with the resources it holds there; a copy never
   * changes, it is started and removed.
   *
   * @param generation the component's specification this copy runs; older ones retire as an update
   *     rolls
   */
  public record Copy(
      String id,
      String instanceId,
      int generation,
      float accelerators,
      float cpus,
      int memoryMb,
      Instant readyAt,
      Instant failsAt,
      String failureReason) {
    /** A copy that starts and serves at {@code readyAt}. */
    public Copy(
        String id,
        String instanceId,
        int generation,
        float accelerators,
        float cpus,
        int memoryMb,
        Instant readyAt) {
      this(id, instanceId, generation, accelerators, cpus, memoryMb, readyAt, null, null);
    }

    /** Whether the copy fails its start-up (at {@code failsAt}) instead of serving. */
    public boolean fails() {
      return failsAt != null;
    }
  }

  /**
   * What a component's specification says, validated: what its copies run and the resources each
   * holds.
   */
  record Spec(
      String modelName,
      String image,
      Map<String, String> environment,
      float accelerators,
      float cpus,
      int memoryMb,
      Integer modelDataDownloadTimeoutSeconds,
      Integer containerStartupHealthCheckTimeoutSeconds,
      boolean dataCache,
      String baseComponentName,
      String artifactUrl) {
    /** An adapter's specification: its base and its artifact, nothing of its own to run. */
    static Spec adapter(String baseComponentName, String artifactUrl) {
      return new Spec(
          null, null, Map.of(), 0, 0, 0, null, null, false, baseComponentName, artifactUrl);
    }
  }

  /** An inference component: its specification, its copies and the update rolling through them. */
  public static final class Component {
    private String name;
    private String endpointName;
    private String variantName;

    /** The SageMaker model, when the specification names one. */
    private String modelName;

    /** The image copies run: the specification's container image, else the model's. */
    private String image;

    /** The specification's container environment (DescribeInferenceComponent shows it). */
    private TreeMap<String, String> environment = new TreeMap<>();

    private float accelerators;
    private float cpus;
    private int memoryMb;
    private Integer modelDataDownloadTimeoutSeconds;
    private Integer containerStartupHealthCheckTimeoutSeconds;

    /**
     * Specification.DataCacheConfig.EnableCaching: copies on an instance that holds the model's
     * artifacts skip the download.
     */
    private boolean dataCache;

    /**
     * Specification.BaseInferenceComponentName: set for an adapter inference component, which has
     * no copies and no resources of its own and is served by its base's copies.
     */
    private String baseComponentName;

    /** An adapter's Container.ArtifactUrl: the LoRA adapter's S3 location. */
    private String artifactUrl;

    /**
     * When an adapter's artifact is (or will be) loaded and it is InService; null while its base
     * has not yet served.
     */
    private Instant adapterLoadedAt;

    /** Why the component failed (a copy could not start); cleared by the next update. */
    private String failureReason;

    private int desiredCopies;

    /**
     * The current specification's number; bumped by UpdateInferenceComponent with a specification.
     */
    private int generation = 1;

    /** What the last change was, for the state named in "update in progress" errors. */
    private String lastChange = "CREATE";

    /** Copies per rolling batch; null: blue/green, the whole new fleet at once. */
    private Integer rollingBatchCopies;

    /**
     * The last UpdateInferenceComponent's rolling update policy, as given
     * (DescribeInferenceComponent echoes it).
     */
    private String rollingBatchType;

    private Integer rollingBatchValue;
    private int rollingWaitSeconds;

    /**
     * The batch in flight has served and baked at this time; then its share of old copies retires.
     */
    private Instant batchDoneAt;

    /** Old copies the batch in flight replaces. */
    private int batchRetires;

    private List<Copy> copies = new ArrayList<>();
    private Instant created;
    private Instant modified;

    /** Set once every desired copy first served: later work is an update, not the creation. */
    private Instant firstInService;

    private Instant deletingUntil;
    private TreeMap<String, String> tags = new TreeMap<>();

    /** For Jackson. */
    private Component() {}

    /** A new component of {@code copies} copies running {@code spec}. */
    Component(
        String name,
        String endpointName,
        String variantName,
        Spec spec,
        int copies,
        Instant created,
        Map<String, String> tags) {
      this.name = name;
      this.endpointName = endpointName;
      this.variantName = variantName;
      this.created = created;
      this.modified = created;
      this.tags = new TreeMap<>(tags);
      specify(spec);
      this.desiredCopies = copies;
    }

    private void specify(Spec spec) {
      modelName = spec.modelName();
      image = spec.image();
      environment = new TreeMap<>(spec.environment());
      accelerators = spec.accelerators();
      cpus = spec.cpus();
      memoryMb = spec.memoryMb();
      modelDataDownloadTimeoutSeconds = spec.modelDataDownloadTimeoutSeconds();
      containerStartupHealthCheckTimeoutSeconds = spec.containerStartupHealthCheckTimeoutSeconds();
      dataCache = spec.dataCache();
      baseComponentName = spec.baseComponentName();
      artifactUrl = spec.artifactUrl();
      adapterLoadedAt = null;
    }

    /** Whether this is an adapter inference component (it has a base). */
    public boolean adapter() {
      return baseComponentName != null;
    }

    public String baseComponentName() {
      return baseComponentName;
    }

    public String artifactUrl() {
      return artifactUrl;
    }

    public Instant adapterLoadedAt() {
      return adapterLoadedAt;
    }

    /** An adapter's artifact is loaded onto its base's copies at {@code at}. */
    void loadAdapter(Instant at) {
      adapterLoadedAt = at;
    }

    /** A copy failed to start: the component is Failed, its copies gone, until the next update. */
    void fail(String reason) {
      failureReason = reason;
      copies.clear();
      batchDoneAt = null;
      batchRetires = 0;
    }

    void clearFailure() {
      failureReason = null;
    }

    public boolean dataCache() {
      return dataCache;
    }

    public String failureReason() {
      return failureReason;
    }

    /**
     * A new specification: the next generation, whose copies replace the older ones as the update
     * rolls.
     */
    void respecify(Spec spec) {
      specify(spec);
      generation++;
    }

    void setDesiredCopies(int copies) {
      desiredCopies = copies;
    }

    /**
     * The rolling update policy of the last UpdateInferenceComponent; a null type: blue/green (no
     * batches).
     */
    void setRollingPolicy(
        String batchType, Integer batchValue, int waitSeconds, Integer batchCopies) {
      rollingBatchType = batchType;
      rollingBatchValue = batchValue;
      rollingWaitSeconds = waitSeconds;
      rollingBatchCopies = batchCopies;
    }

    /**
     * A change was made at {@code at}: {@code change} names it in later "in progress" errors
     * (CREATE, UPDATE, UPDATE_RC).
     */
    void recordChange(String change, Instant at) {
      lastChange = change;
      modified = at;
    }

    /** A change made to the endpoint under it (LastModifiedTime stays). */
    void recordChange(String change) {
      lastChange = change;
    }

    /** DeleteInferenceComponent: its copies go, and it is gone at {@code until}. */
    void startDeletion(Instant until) {
      deletingUntil = until;
      desiredCopies = 0;
    }

    void addCopy(Copy copy) {
      copies.add(copy);
    }

    void removeCopy(Copy copy) {
      copies.remove(copy);
    }

    void removeCopies(Collection<Copy> gone) {
      copies.removeAll(gone);
    }

    void removeCopiesIf(Predicate<Copy> which) {
      copies.removeIf(which);
    }

    /**
     * A rolling batch is in flight: it has served and baked at {@code doneAt}, then {@code retires}
     * old copies go.
     */
    void startBatch(Instant doneAt, int retires) {
      batchDoneAt = doneAt;
      batchRetires = retires;
    }

    void finishBatch() {
      batchDoneAt = null;
      batchRetires = 0;
    }

    /** UpdateEndpoint moved the component onto the new config's variant. */
    void moveToVariant(String variant) {
      variantName = variant;
    }

    void markInService(Instant at) {
      firstInService = at;
    }

    public String name() {
      return name;
    }

    public String endpointName() {
      return endpointName;
    }

    public String variantName() {
      return variantName;
    }

    public String modelName() {
      return modelName;
    }

    public String image() {
      return image;
    }

    public Map<String, String> environment() {
      return Collections.unmodifiableMap(environment);
    }

    public float accelerators() {
      return accelerators;
    }

    public float cpus() {
      return cpus;
    }

    public int memoryMb() {
      return memoryMb;
    }

    public Integer modelDataDownloadTimeoutSeconds() {
      return modelDataDownloadTimeoutSeconds;
    }

    public Integer containerStartupHealthCheckTimeoutSeconds() {
      return containerStartupHealthCheckTimeoutSeconds;
    }

    public int desiredCopies() {
      return desiredCopies;
    }

    public int generation() {
      return generation;
    }

    public String lastChange() {
      return lastChange;
    }

    public Integer rollingBatchCopies() {
      return rollingBatchCopies;
    }

    public String rollingBatchType() {
      return rollingBatchType;
    }

    public Integer rollingBatchValue() {
      return rollingBatchValue;
    }

    public int rollingWaitSeconds() {
      return rollingWaitSeconds;
    }

    public Instant batchDoneAt() {
      return batchDoneAt;
    }

    public int batchRetires() {
      return batchRetires;
    }

    public List<Copy> copies() {
      return Collections.unmodifiableList(copies);
    }

    public Instant created() {
      return created;
    }

    public Instant modified() {
      return modified;
    }

    public Instant firstInService() {
      return firstInService;
    }

    public Instant deletingUntil() {
      return deletingUntil;
    }

    public Map<String, String> tags() {
      return Collections.unmodifiableMap(tags);
    }
  }
}

package dev.copyscale.twin.sagemaker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What the twin's SageMaker holds, as persisted in the world file. Mutable on purpose: the twin
 * changes it in place under one lock. Statuses are not stored; they follow from these facts and the
 * time (see {@link SageMakerTwin}). Every pending transition is a time in here (an instance's or a
 * copy's {@code readyAt}, a rolling batch's {@code batchDoneAt}, a deletion's {@code deletingUntil}),
 * so saving the state saves the transitions too.
 */
public final class SageMakerState {
  public TreeMap<String, Model> models = new TreeMap<>();
  public TreeMap<String, EndpointConfig> endpointConfigs = new TreeMap<>();
  /** Configs deleted while an endpoint still runs on them: SageMaker allows that, and the endpoint keeps running. */
  public TreeMap<String, EndpointConfig> deletedConfigsInUse = new TreeMap<>();
  public TreeMap<String, Endpoint> endpoints = new TreeMap<>();
  public TreeMap<String, Component> components = new TreeMap<>();
  /** For instance and copy ids: deterministic, so a world replays identically. */
  public long nextId = 1;
  /** Transitions up to this instant have been applied. */
  public Instant settledUntil = Instant.EPOCH;

  /** The config an endpoint runs on, even when it has been deleted since. */
  public EndpointConfig endpointConfig(String name) {
    EndpointConfig live = endpointConfigs.get(name);
    return live != null ? live : deletedConfigsInUse.get(name);
  }

  /** Forgets deleted configs no endpoint runs on any more. */
  void forgetUnusedConfigs() {
    deletedConfigsInUse.keySet().removeIf(name -> endpoints.values().stream().noneMatch(e -> name.equals(e.configName) || name.equals(e.pendingConfig)));
  }

  public static final class Model {
    public String name;
    public String image;
    public TreeMap<String, String> environment = new TreeMap<>();
    public String executionRoleArn;
    public Instant created;
    public TreeMap<String, String> tags = new TreeMap<>();
  }

  public static final class EndpointConfig {
    public String name;
    public String executionRoleArn;
    public String variantName;
    public String instanceType;
    public int initialInstanceCount;
    public boolean managedInstanceScaling;
    public int minInstances;
    public int maxInstances;
    public String routing;
    public Instant created;
    public TreeMap<String, String> tags = new TreeMap<>();
  }

  public static final class Instance {
    public String id;
    public String instanceType;
    /** The endpoint config whose fleet the instance belongs to (two fleets live side by side during UpdateEndpoint). */
    public String fleet;
    public Instant readyAt;
    /** When each container image is (or will be) on this instance. */
    public TreeMap<String, Instant> images = new TreeMap<>();
  }

  public static final class Endpoint {
    public String name;
    public String configName;
    public Instant created;
    public Instant modified;
    /** Set when the endpoint first reached InService: later provisioning is an update, not the creation. */
    public Instant firstInService;
    /** Instances of the current fleet and, during UpdateEndpoint, of the new one (ready or provisioning). */
    public List<Instance> instances = new ArrayList<>();
    /** UpdateEndpoint in progress: the config whose fleet takes over once its copies serve. */
    public String pendingConfig;
    public Instant deletingUntil;
    public TreeMap<String, String> tags = new TreeMap<>();
  }

  /** One copy of a component on one instance, with the resources it holds there. */
  public static final class Copy {
    public String id;
    public String instanceId;
    /** The component's specification this copy runs; older ones retire as an update rolls. */
    public int generation;
    public float accelerators;
    public float cpus;
    public int memoryMb;
    public Instant readyAt;
  }

  public static final class Component {
    public String name;
    public String endpointName;
    public String variantName;
    /** The SageMaker model, when the specification names one. */
    public String modelName;
    /** The image copies run: the specification's container image, else the model's. */
    public String image;
    /** The specification's container environment (DescribeInferenceComponent shows it). */
    public TreeMap<String, String> environment = new TreeMap<>();
    public float accelerators;
    public float cpus;
    public int memoryMb;
    public Integer modelDataDownloadTimeoutSeconds;
    public Integer containerStartupHealthCheckTimeoutSeconds;
    public int desiredCopies;
    /** The current specification's number; bumped by UpdateInferenceComponent with a specification. */
    public int generation = 1;
    /** What the last change was, for the state named in "update in progress" errors. */
    public String lastChange = "CREATE";
    /** Copies per rolling batch; null: blue/green, the whole new fleet at once. */
    public Integer rollingBatchCopies;
    /** The last UpdateInferenceComponent's rolling update policy, as given (DescribeInferenceComponent echoes it). */
    public String rollingBatchType;
    public Integer rollingBatchValue;
    public int rollingWaitSeconds;
    /** The batch in flight has served and baked at this time; then its share of old copies retires. */
    public Instant batchDoneAt;
    /** Old copies the batch in flight replaces. */
    public int batchRetires;
    public List<Copy> copies = new ArrayList<>();
    public Instant created;
    public Instant modified;
    /** Set once every desired copy first served: later work is an update, not the creation. */
    public Instant firstInService;
    public Instant deletingUntil;
    public TreeMap<String, String> tags = new TreeMap<>();
  }
}

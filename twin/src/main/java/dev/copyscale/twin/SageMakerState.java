package dev.copyscale.twin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the twin's SageMaker holds, as persisted in the world file. Mutable on purpose: the twin
 * changes it in place under one lock. Statuses are not stored; they follow from these facts and the
 * time (see {@link SageMakerTwin}).
 */
public final class SageMakerState {
  public TreeMap<String, Model> models = new TreeMap<>();
  public TreeMap<String, EndpointConfig> endpointConfigs = new TreeMap<>();
  public TreeMap<String, Endpoint> endpoints = new TreeMap<>();
  public TreeMap<String, Component> components = new TreeMap<>();
  /** For instance and copy ids: deterministic, so a world replays identically. */
  public long nextId = 1;
  /** Transitions up to this instant have been applied. */
  public Instant settledUntil = Instant.EPOCH;

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
    public Instant readyAt;
    /** When each container image is (or will be) on this instance. */
    public TreeMap<String, Instant> images = new TreeMap<>();
  }

  public static final class Endpoint {
    public String name;
    public String configName;
    public Instant created;
    public Instant modified;
    /** Instances on the variant (ready or provisioning). */
    public List<Instance> instances = new ArrayList<>();
    /** An UpdateEndpoint to a new config in progress: the new config and when it takes over. */
    public String pendingConfig;
    public Instant switchAt;
    public Instant deletingUntil;
    public TreeMap<String, String> tags = new TreeMap<>();
  }

  public static final class Copy {
    public String id;
    public String instanceId;
    public Instant readyAt;
  }

  public static final class Component {
    public String name;
    public String endpointName;
    public String variantName;
    public String modelName;
    public float accelerators;
    public float cpus;
    public int memoryMb;
    public Integer modelDataDownloadTimeoutSeconds;
    public Integer containerStartupHealthCheckTimeoutSeconds;
    public int desiredCopies;
    public List<Copy> copies = new ArrayList<>();
    public Instant created;
    public Instant modified;
    /** Set once every desired copy first served: later work is an update, not the creation. */
    public Instant firstInService;
    public Instant deletingUntil;
    public TreeMap<String, String> tags = new TreeMap<>();
  }
}

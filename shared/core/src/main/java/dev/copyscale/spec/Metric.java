package dev.copyscale.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The CloudWatch metrics SageMaker publishes for an inference component (dimension {@code
 * InferenceComponentName}) and for an endpoint variant (dimensions {@code EndpointName}, {@code
 * VariantName}) that a copyscale alarm may watch.
 */
public enum Metric {
  INVOCATIONS("Invocations", Level.COMPONENT, Namespace.INVOCATIONS, false),
  INVOCATIONS_PER_COPY("InvocationsPerCopy", Level.COMPONENT, Namespace.INVOCATIONS, false),
  INVOCATION_4XX_ERRORS("Invocation4XXErrors", Level.COMPONENT, Namespace.INVOCATIONS, false),
  INVOCATION_5XX_ERRORS("Invocation5XXErrors", Level.COMPONENT, Namespace.INVOCATIONS, false),
  INVOCATION_MODEL_ERRORS("InvocationModelErrors", Level.COMPONENT, Namespace.INVOCATIONS, false),
  MODEL_LATENCY("ModelLatency", Level.COMPONENT, Namespace.INVOCATIONS, false),
  OVERHEAD_LATENCY("OverheadLatency", Level.COMPONENT, Namespace.INVOCATIONS, false),
  /**
   * Published at 10 s resolution: the one component metric that supports high-resolution alarms.
   */
  CONCURRENT_REQUESTS_PER_COPY(
      "ConcurrentRequestsPerCopy", Level.COMPONENT, Namespace.INVOCATIONS, true),
  /** Requests refused because the component has no copy: the scale-from-zero signal. */
  NO_CAPACITY_INVOCATION_FAILURES(
      "NoCapacityInvocationFailures", Level.COMPONENT, Namespace.INVOCATIONS, false),
  CPU_UTILIZATION_NORMALIZED(
      "CPUUtilizationNormalized", Level.COMPONENT, Namespace.COMPONENT_UTILIZATION, false),
  GPU_UTILIZATION_NORMALIZED(
      "GPUUtilizationNormalized", Level.COMPONENT, Namespace.COMPONENT_UTILIZATION, false),
  GPU_MEMORY_UTILIZATION_NORMALIZED(
      "GPUMemoryUtilizationNormalized", Level.COMPONENT, Namespace.COMPONENT_UTILIZATION, false),
  CPU_MEMORY_UTILIZATION_NORMALIZED(
      "CPUMemoryUtilizationNormalized", Level.COMPONENT, Namespace.COMPONENT_UTILIZATION, false),
  VARIANT_INVOCATIONS_PER_INSTANCE(
      "InvocationsPerInstance", Level.VARIANT, Namespace.INVOCATIONS, false),
  VARIANT_CONCURRENT_REQUESTS_PER_MODEL(
      "ConcurrentRequestsPerModel", Level.VARIANT, Namespace.INVOCATIONS, true),
  VARIANT_GPU_UTILIZATION("GPUUtilization", Level.VARIANT, Namespace.ENDPOINT_UTILIZATION, false),
  VARIANT_GPU_MEMORY_UTILIZATION(
      "GPUMemoryUtilization", Level.VARIANT, Namespace.ENDPOINT_UTILIZATION, false),
  VARIANT_CPU_UTILIZATION("CPUUtilization", Level.VARIANT, Namespace.ENDPOINT_UTILIZATION, false),
  VARIANT_MEMORY_UTILIZATION(
      "MemoryUtilization", Level.VARIANT, Namespace.ENDPOINT_UTILIZATION, false);

  /** Which resource the metric's dimensions name. */
  public enum Level {
    COMPONENT,
    VARIANT
  }

  /** CloudWatch namespaces SageMaker publishes into. */
  public static final class Namespace {
    public static final String INVOCATIONS = "AWS/SageMaker";
    public static final String COMPONENT_UTILIZATION = "/aws/sagemaker/InferenceComponents";
    public static final String ENDPOINT_UTILIZATION = "/aws/sagemaker/Endpoints";

    private Namespace() {}
  }

  private final String metricName;
  private final Level level;
  private final String namespace;
  private final boolean highResolution;

  Metric(String metricName, Level level, String namespace, boolean highResolution) {
    this.metricName = metricName;
    this.level = level;
    this.namespace = namespace;
    this.highResolution = highResolution;
  }

  public String metricName() {
    return metricName;
  }

  public Level level() {
    return level;
  }

  public String namespace() {
    return namespace;
  }

  /** Whether SageMaker publishes it every 10 s, so alarms may use 10, 20 or 30 s periods. */
  public boolean highResolution() {
    return highResolution;
  }

  /**
   * Looks a metric up by its spec name. Component metrics use their CloudWatch name; variant
   * metrics are written {@code Variant.NAME} in a spec because some names (Invocations,
   * ModelLatency) exist at both levels.
   */
  public static Optional<Metric> bySpecName(String name) {
    return Arrays.stream(values()).filter(m -> m.specName().equals(name)).findFirst();
  }

  public String specName() {
    return level == Level.VARIANT ? "Variant." + metricName : metricName;
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(Metric::specName).toList();
  }
}

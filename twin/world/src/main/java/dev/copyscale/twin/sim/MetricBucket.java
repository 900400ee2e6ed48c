package dev.copyscale.twin.sim;

import dev.copyscale.spec.Metric;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import java.time.Instant;
import java.util.Map;

/**
 * Ten seconds of what SageMaker measures on an inference component and its variant, published to
 * the twin's CloudWatch as SageMaker publishes it: event metrics (Invocations, InvocationsPerCopy,
 * ModelLatency, the failure counts) only for periods with events, the concurrency gauges every 10
 * seconds while copies exist.
 */
final class MetricBucket {
  long invocations;

  /**
   * Each request adds 1 / the copies serving when it arrived, as SageMaker counts
   * InvocationsPerCopy.
   */
  double invocationsPerCopy;

  long modelLatencyCount;
  double modelLatencySumMicros;
  double modelLatencyMinMicros = Double.MAX_VALUE;
  double modelLatencyMaxMicros;
  long noCapacity;
  long modelErrors;

  /**
   * Requests to the component's adapters that its copies took (each adapter counts them in a bucket
   * of its own): they add to the copies' InvocationsPerCopy and the variant's Invocations, not to
   * the component's own Invocations.
   */
  long adapterInvocations;

  /**
   * Outstanding requests per serving copy, integrated over the bucket (request-microseconds per
   * copy).
   */
  double concurrencyPerCopyIntegral;

  double concurrencyPerCopyMax;

  /** Outstanding requests per instance, integrated the same way. */
  double concurrencyPerInstanceIntegral;

  double concurrencyPerInstanceMax;
  boolean copiesExisted;

  void modelLatency(long micros) {
    modelLatencyCount++;
    modelLatencySumMicros += micros;
    modelLatencyMinMicros = Math.min(modelLatencyMinMicros, micros);
    modelLatencyMaxMicros = Math.max(modelLatencyMaxMicros, micros);
  }

  /**
   * The copy counts are published as {@code DesiredCopyCount} and {@code CurrentCopyCount} (the
   * names DescribeInferenceComponent's RuntimeConfig uses; assumed: no AWS source available here
   * names the metrics SageMaker publishes for them), so dashboards and GetMetricData can follow
   * them.
   */
  static final String DESIRED_COPIES = "DesiredCopyCount";

  static final String CURRENT_COPIES = "CurrentCopyCount";

  void publish(
      CloudWatchTwin cloudWatch,
      Instant start,
      long lengthMicros,
      Map<String, String> component,
      Map<String, String> variant,
      int instances,
      int desiredCopies,
      int servingCopies) {
    String ns = Metric.Namespace.INVOCATIONS;
    cloudWatch.publish(
        ns, DESIRED_COPIES, component, start, desiredCopies, 1, desiredCopies, desiredCopies);
    cloudWatch.publish(
        ns, CURRENT_COPIES, component, start, servingCopies, 1, servingCopies, servingCopies);
    if (invocations > 0) {
      count(cloudWatch, ns, Metric.INVOCATIONS.metricName(), component, start, invocations);
    }
    long served = invocations + adapterInvocations;
    if (served > 0) {
      count(cloudWatch, ns, Metric.INVOCATIONS.metricName(), variant, start, served);
      double perCopy = invocationsPerCopy / served;
      cloudWatch.publish(
          ns,
          Metric.INVOCATIONS_PER_COPY.metricName(),
          component,
          start,
          invocationsPerCopy,
          served,
          perCopy,
          perCopy);
      if (instances > 0) {
        double perInstance = 1.0 / instances;
        cloudWatch.publish(
            ns,
            Metric.VARIANT_INVOCATIONS_PER_INSTANCE.metricName(),
            variant,
            start,
            served * perInstance,
            served,
            perInstance,
            perInstance);
      }
    }
    requestMetrics(cloudWatch, ns, start, component);
    if (copiesExisted) {
      double average = concurrencyPerCopyIntegral / lengthMicros;
      cloudWatch.publish(
          ns,
          Metric.CONCURRENT_REQUESTS_PER_COPY.metricName(),
          component,
          start,
          average,
          1,
          average,
          Math.max(average, concurrencyPerCopyMax));
    }
    if (instances > 0) {
      double average = concurrencyPerInstanceIntegral / lengthMicros;
      cloudWatch.publish(
          ns,
          Metric.VARIANT_CONCURRENT_REQUESTS_PER_MODEL.metricName(),
          variant,
          start,
          average,
          1,
          average,
          Math.max(average, concurrencyPerInstanceMax));
    }
  }

  /**
   * An adapter inference component's own metrics, under its InferenceComponentName: its
   * Invocations, ModelLatency and failures. Its base's copies served its requests (they count in
   * the base's InvocationsPerCopy and concurrency); it has no copies of its own to gauge.
   */
  void publishAdapter(CloudWatchTwin cloudWatch, Instant start, Map<String, String> adapter) {
    String ns = Metric.Namespace.INVOCATIONS;
    if (invocations > 0) {
      count(cloudWatch, ns, Metric.INVOCATIONS.metricName(), adapter, start, invocations);
    }
    requestMetrics(cloudWatch, ns, start, adapter);
  }

  /** ModelLatency and the failure counts of the requests to {@code component}. */
  private void requestMetrics(
      CloudWatchTwin cloudWatch, String ns, Instant start, Map<String, String> component) {
    if (modelLatencyCount > 0) {
      cloudWatch.publish(
          ns,
          Metric.MODEL_LATENCY.metricName(),
          component,
          start,
          modelLatencySumMicros,
          modelLatencyCount,
          modelLatencyMinMicros,
          modelLatencyMaxMicros);
    }
    if (noCapacity > 0) {
      count(
          cloudWatch,
          ns,
          Metric.NO_CAPACITY_INVOCATION_FAILURES.metricName(),
          component,
          start,
          noCapacity);
    }
    if (modelErrors > 0) {
      count(
          cloudWatch,
          ns,
          Metric.INVOCATION_MODEL_ERRORS.metricName(),
          component,
          start,
          modelErrors);
    }
  }

  private static void count(
      CloudWatchTwin cloudWatch,
      String ns,
      String metric,
      Map<String, String> dimensions,
      Instant start,
      long n) {
    cloudWatch.publish(ns, metric, dimensions, start, n, n, 1, 1);
  }
}

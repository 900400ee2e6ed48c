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
      count(cloudWatch, ns, Metric.INVOCATIONS.metricName(), variant, start, invocations);
      double perCopy = invocationsPerCopy / invocations;
      cloudWatch.publish(
          ns,
          Metric.INVOCATIONS_PER_COPY.metricName(),
          component,
          start,
          invocationsPerCopy,
          invocations,
          perCopy,
          perCopy);
      if (instances > 0) {
        double perInstance = 1.0 / instances;
        cloudWatch.publish(
            ns,
            Metric.VARIANT_INVOCATIONS_PER_INSTANCE.metricName(),
            variant,
            start,
            invocations * perInstance,
            invocations,
            perInstance,
            perInstance);
      }
    }
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

package dev.copyscale.twin.autoscaling;

import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/**
 * The two CloudWatch alarms Application Auto Scaling creates for a target-tracking policy, named
 * and described as AAS names them ({@code TargetTracking-<resourceId>-AlarmHigh-<uuid>}, "DO NOT
 * EDIT OR DELETE. For TargetTrackingScaling policy ..."): AlarmHigh when 3 one-minute datapoints
 * are above the target, AlarmLow when 15 are below 90 % of it (none when scale-in is disabled).
 *
 * <p>High-resolution metrics (ConcurrentRequestsPerCopy/PerModel): SageMaker's guide says they let
 * a policy scale out "much faster" as traffic rises but scale in "at the same rate as standard
 * metrics" (docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html). So
 * AlarmHigh takes 3 ten-second datapoints (30 s, the "up to 6x faster" AWS announced) and AlarmLow
 * stays at 15 one-minute datapoints. The exact alarm settings are not published: assumed.
 */
final class TrackingAlarms {
  private final CloudWatchTwin cloudWatch;

  TrackingAlarms(CloudWatchTwin cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  /**
   * A predefined metric must belong to the dimension: component metrics scale copies, variant
   * metrics instances.
   */
  static void checkMetric(String metric, String dimension) {
    boolean component = metric.startsWith("SageMakerInferenceComponent");
    boolean variant = metric.startsWith("SageMakerVariant");
    if (!component && !variant || component != AutoScalingTwin.COPY_DIMENSION.equals(dimension)) {
      String message =
          "Predefined metric "
              + metric
              + " cannot be used with scalable dimension "
              + dimension
              + ".";
      throw (ValidationException)
          ValidationException.builder()
              .message(message)
              .statusCode(400)
              .awsErrorDetails(
                  AwsErrorDetails.builder()
                      .errorCode("ValidationException")
                      .errorMessage(message)
                      .serviceName("ApplicationAutoScaling")
                      .build())
              .build();
    }
  }

  /**
   * Creates the alarms for {@code p}; returns their names. Each alarm gets its own UUID, as AAS
   * gives.
   */
  List<String> create(AutoScalingTwin.Policy p, Supplier<String> uuids) {
    boolean copies = AutoScalingTwin.COPY_DIMENSION.equals(p.scalableDimension());
    String metric =
        switch (p.predefinedMetricType()) {
          case "SageMakerInferenceComponentInvocationsPerCopy" -> "InvocationsPerCopy";
          case "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution" ->
              "ConcurrentRequestsPerCopy";
          case "SageMakerVariantConcurrentRequestsPerModelHighResolution" ->
              "ConcurrentRequestsPerModel";
          default -> "InvocationsPerInstance";
        };
    boolean highResolution = p.predefinedMetricType().endsWith("HighResolution");
    String[] resource = p.resourceId().split("/");
    List<Dimension> dimensions =
        copies
            ? List.of(Dimension.builder().name("InferenceComponentName").value(resource[1]).build())
            : List.of(
                Dimension.builder().name("EndpointName").value(resource[1]).build(),
                Dimension.builder().name("VariantName").value(resource[3]).build());
    String action = p.policyArn() + ":createdBy/" + uuids.get();
    String statistic = metric.startsWith("Invocations") ? "Sum" : "Average";
    PutMetricAlarmRequest.Builder common =
        PutMetricAlarmRequest.builder()
            .namespace("AWS/SageMaker")
            .metricName(metric)
            .dimensions(dimensions)
            .statistic(statistic)
            .alarmActions(action)
            .treatMissingData("missing")
            .alarmDescription(
                "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + action + ".");
    List<String> names = new ArrayList<>();
    String high = "TargetTracking-" + p.resourceId() + "-AlarmHigh-" + uuids.get();
    cloudWatch.putMetricAlarm(
        common
            .copy()
            .alarmName(high)
            .period(highResolution ? 10 : 60)
            .evaluationPeriods(3)
            .datapointsToAlarm(3)
            .threshold(p.targetValue())
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .build());
    names.add(high);
    if (!Boolean.TRUE.equals(p.disableScaleIn())) {
      String low = "TargetTracking-" + p.resourceId() + "-AlarmLow-" + uuids.get();
      cloudWatch.putMetricAlarm(
          common
              .copy()
              .alarmName(low)
              .period(60)
              .evaluationPeriods(15)
              .datapointsToAlarm(15)
              .threshold(p.targetValue() * 0.9)
              .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
              .build());
      names.add(low);
    }
    return names;
  }
}

package dev.copyscale.twin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.*;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/**
 * Application Auto Scaling in the twin, for SageMaker's two dimensions: scalable targets, policies
 * (target tracking creates its two CloudWatch alarms, as AAS does) and scaling activities. The
 * resource must exist in the twin's SageMaker, as AAS checks.
 */
public final class AutoScalingTwin implements ApplicationAutoScalingClient {
  static final String COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";
  static final String VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount";

  public static final class State {
    public TreeMap<String, Target> targets = new TreeMap<>();
    public TreeMap<String, Policy> policies = new TreeMap<>();
    public List<Activity> activities = new ArrayList<>();
  }

  public static final class Target {
    public String serviceNamespace;
    public String resourceId;
    public String scalableDimension;
    public int minCapacity;
    public int maxCapacity;
    public String roleArn;
    public Instant creationTime;
  }

  public static final class Policy {
    public String policyName;
    public String policyArn;
    public String serviceNamespace;
    public String resourceId;
    public String scalableDimension;
    public String policyType;
    public Double targetValue;
    public String predefinedMetricType;
    public Integer scaleOutCooldown;
    public Integer scaleInCooldown;
    public Boolean disableScaleIn;
    public String adjustmentType;
    public Integer cooldown;
    public String metricAggregationType;
    public Integer minAdjustmentMagnitude;
    public List<double[]> stepAdjustments = new ArrayList<>();
    public List<String> alarmNames = new ArrayList<>();
    public Instant creationTime;
  }

  /** A scaling activity, in DescribeScalingActivities' member names. */
  public record Activity(String activityId, String serviceNamespace, String resourceId, String scalableDimension, String description,
      String cause, Instant startTime, Instant endTime, String statusCode, String statusMessage) {}

  private final Clock clock;
  private final String region;
  private final String account;
  private final SageMakerTwin sageMaker;
  private final CloudWatchTwin cloudWatch;
  private final State state;

  public AutoScalingTwin(Clock clock, String region, String account, SageMakerTwin sageMaker, CloudWatchTwin cloudWatch, State state) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.sageMaker = sageMaker;
    this.cloudWatch = cloudWatch;
    this.state = state;
  }

  public State state() {
    return state;
  }

  @Override
  public String serviceName() {
    return "application-autoscaling";
  }

  @Override
  public void close() {}

  private static ApplicationAutoScalingException validation(String message) {
    return (ApplicationAutoScalingException) ValidationException.builder().message(message).statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").errorMessage(message).serviceName("ApplicationAutoScaling").build()).build();
  }

  private static ApplicationAutoScalingException notFound(String message) {
    return (ApplicationAutoScalingException) ObjectNotFoundException.builder().message(message).statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ObjectNotFoundException").errorMessage(message).serviceName("ApplicationAutoScaling").build()).build();
  }

  private static String key(String resourceId, String dimension) {
    return resourceId + "|" + dimension;
  }

  private void checkResource(String namespace, String resourceId, String dimension) {
    if (!"sagemaker".equals(namespace)) {
      throw validation("The twin scales the sagemaker service namespace only; got " + namespace + ".");
    }
    if (COPY_DIMENSION.equals(dimension)) {
      if (resourceId == null || !resourceId.startsWith("inference-component/")) {
        throw validation("Unsupported resource id " + resourceId + " for scalable dimension " + dimension + ": expected inference-component/NAME.");
      }
      String name = resourceId.substring("inference-component/".length());
      if (!sageMaker.state().components.containsKey(name)) {
        throw validation("Inference component " + name + " does not exist.");
      }
    } else if (VARIANT_DIMENSION.equals(dimension)) {
      String[] parts = resourceId == null ? new String[0] : resourceId.split("/");
      if (parts.length != 4 || !parts[0].equals("endpoint") || !parts[2].equals("variant")) {
        throw validation("Unsupported resource id " + resourceId + " for scalable dimension " + dimension + ": expected endpoint/NAME/variant/VARIANT.");
      }
      if (!sageMaker.state().endpoints.containsKey(parts[1])) {
        throw validation("The endpoint " + parts[1] + " does not exist.");
      }
    } else {
      throw validation("Unsupported scalable dimension " + dimension + " for service namespace sagemaker.");
    }
  }

  @Override
  public synchronized RegisterScalableTargetResponse registerScalableTarget(RegisterScalableTargetRequest r) {
    checkResource(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString());
    Target t = state.targets.get(key(r.resourceId(), r.scalableDimensionAsString()));
    if (t == null) {
      if (r.minCapacity() == null || r.maxCapacity() == null) {
        throw validation("MinCapacity and MaxCapacity are required to register a new scalable target.");
      }
      t = new Target();
      t.serviceNamespace = r.serviceNamespaceAsString();
      t.resourceId = r.resourceId();
      t.scalableDimension = r.scalableDimensionAsString();
      t.creationTime = clock.instant();
      t.roleArn = "arn:aws:iam::" + account + ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint";
    }
    // As AAS does: on an existing target only the given fields change.
    int min = r.minCapacity() == null ? t.minCapacity : r.minCapacity();
    int max = r.maxCapacity() == null ? t.maxCapacity : r.maxCapacity();
    if (min < 0 || max < 0 || min > max) {
      throw validation("Minimum capacity " + min + " cannot be greater than maximum capacity " + max + ", and neither can be negative.");
    }
    t.minCapacity = min;
    t.maxCapacity = max;
    state.targets.put(key(t.resourceId, t.scalableDimension), t);
    return RegisterScalableTargetResponse.builder()
        .scalableTargetARN("arn:aws:application-autoscaling:" + region + ":" + account + ":scalable-target/" + uuid(t.resourceId)).build();
  }

  private static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  @Override
  public synchronized DescribeScalableTargetsResponse describeScalableTargets(DescribeScalableTargetsRequest r) {
    List<ScalableTarget> targets = state.targets.values().stream()
        .filter(t -> r.resourceIds().isEmpty() || r.resourceIds().contains(t.resourceId))
        .filter(t -> r.scalableDimensionAsString() == null || t.scalableDimension.equals(r.scalableDimensionAsString()))
        .map(t -> ScalableTarget.builder().serviceNamespace(t.serviceNamespace).resourceId(t.resourceId).scalableDimension(t.scalableDimension)
            .minCapacity(t.minCapacity).maxCapacity(t.maxCapacity).roleARN(t.roleArn).creationTime(t.creationTime).build()).toList();
    return DescribeScalableTargetsResponse.builder().scalableTargets(targets).build();
  }

  @Override
  public synchronized DeregisterScalableTargetResponse deregisterScalableTarget(DeregisterScalableTargetRequest r) {
    String key = key(r.resourceId(), r.scalableDimensionAsString());
    if (!state.targets.containsKey(key)) {
      throw notFound("No scalable target registered for service namespace: sagemaker, resource ID: " + r.resourceId() + ", scalable dimension: " + r.scalableDimensionAsString());
    }
    state.targets.remove(key);
    for (Policy p : List.copyOf(state.policies.values())) {
      if (key(p.resourceId, p.scalableDimension).equals(key)) {
        removePolicy(p);
      }
    }
    return DeregisterScalableTargetResponse.builder().build();
  }

  private void removePolicy(Policy p) {
    state.policies.remove(key(p.resourceId, p.scalableDimension) + "|" + p.policyName);
    p.alarmNames.stream().filter(cloudWatch.state().alarms::containsKey)
        .forEach(a -> cloudWatch.deleteAlarms(b -> b.alarmNames(a)));
  }

  @Override
  public synchronized PutScalingPolicyResponse putScalingPolicy(PutScalingPolicyRequest r) {
    String targetKey = key(r.resourceId(), r.scalableDimensionAsString());
    if (!state.targets.containsKey(targetKey)) {
      throw notFound("No scalable target registered for service namespace: sagemaker, resource ID: " + r.resourceId() + ", scalable dimension: " + r.scalableDimensionAsString());
    }
    String policyKey = targetKey + "|" + r.policyName();
    Policy old = state.policies.get(policyKey);
    Policy p = new Policy();
    p.policyName = r.policyName();
    p.serviceNamespace = r.serviceNamespaceAsString();
    p.resourceId = r.resourceId();
    p.scalableDimension = r.scalableDimensionAsString();
    p.policyType = r.policyTypeAsString();
    p.creationTime = old == null ? clock.instant() : old.creationTime;
    p.policyArn = old != null ? old.policyArn : "arn:aws:autoscaling:" + region + ":" + account + ":scalingPolicy:" + uuid(policyKey) + ":resource/sagemaker/"
        + r.resourceId() + ":policyName/" + r.policyName();
    List<Alarm> alarms = new ArrayList<>();
    if ("TargetTrackingScaling".equals(p.policyType)) {
      TargetTrackingScalingPolicyConfiguration c = r.targetTrackingScalingPolicyConfiguration();
      if (c == null || c.targetValue() == null || c.predefinedMetricSpecification() == null) {
        throw validation("TargetTrackingScalingPolicyConfiguration with TargetValue and a PredefinedMetricSpecification is required.");
      }
      p.targetValue = c.targetValue();
      p.predefinedMetricType = c.predefinedMetricSpecification().predefinedMetricTypeAsString();
      checkMetric(p.predefinedMetricType, p.scalableDimension);
      p.scaleOutCooldown = c.scaleOutCooldown();
      p.scaleInCooldown = c.scaleInCooldown();
      p.disableScaleIn = c.disableScaleIn();
      if (old != null) {
        removePolicy(old);
      }
      alarms = trackingAlarms(p);
    } else if ("StepScaling".equals(p.policyType)) {
      StepScalingPolicyConfiguration c = r.stepScalingPolicyConfiguration();
      if (c == null || c.stepAdjustments().isEmpty()) {
        throw validation("StepScalingPolicyConfiguration with StepAdjustments is required.");
      }
      p.adjustmentType = c.adjustmentTypeAsString();
      p.cooldown = c.cooldown();
      p.metricAggregationType = c.metricAggregationTypeAsString();
      p.minAdjustmentMagnitude = c.minAdjustmentMagnitude();
      for (StepAdjustment s : c.stepAdjustments()) {
        p.stepAdjustments.add(new double[] {
            s.metricIntervalLowerBound() == null ? Double.NEGATIVE_INFINITY : s.metricIntervalLowerBound(),
            s.metricIntervalUpperBound() == null ? Double.POSITIVE_INFINITY : s.metricIntervalUpperBound(),
            s.scalingAdjustment()});
      }
      if (old != null) {
        p.alarmNames = old.alarmNames;
      }
    } else {
      throw validation("Unsupported policy type " + p.policyType + " for sagemaker.");
    }
    state.policies.put(policyKey, p);
    return PutScalingPolicyResponse.builder().policyARN(p.policyArn).alarms(alarms).build();
  }

  private static void checkMetric(String metric, String dimension) {
    boolean component = metric.startsWith("SageMakerInferenceComponent");
    boolean variant = metric.startsWith("SageMakerVariant");
    if (!component && !variant || component != COPY_DIMENSION.equals(dimension)) {
      throw validation("Predefined metric " + metric + " cannot be used with scalable dimension " + dimension + ".");
    }
  }

  /**
   * The two alarms AAS creates for a target-tracking policy: scale out after 3 one-minute datapoints
   * above the target, scale in after 15 below 90 % of it (AAS documentation).
   */
  private List<Alarm> trackingAlarms(Policy p) {
    boolean copies = COPY_DIMENSION.equals(p.scalableDimension);
    String metric = switch (p.predefinedMetricType) {
      case "SageMakerInferenceComponentInvocationsPerCopy" -> "InvocationsPerCopy";
      case "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution" -> "ConcurrentRequestsPerCopy";
      case "SageMakerVariantConcurrentRequestsPerModelHighResolution" -> "ConcurrentRequestsPerModel";
      default -> "InvocationsPerInstance";
    };
    boolean highResolution = metric.startsWith("Concurrent");
    List<Dimension> dimensions = copies
        ? List.of(Dimension.builder().name("InferenceComponentName").value(p.resourceId.substring("inference-component/".length())).build())
        : List.of(Dimension.builder().name("EndpointName").value(p.resourceId.split("/")[1]).build(),
            Dimension.builder().name("VariantName").value(p.resourceId.split("/")[3]).build());
    String id = uuid(p.policyArn).substring(0, 8) + "-" + uuid(p.policyArn).substring(8, 12);
    String high = "TargetTracking-" + p.resourceId + "-AlarmHigh-" + id;
    String low = "TargetTracking-" + p.resourceId + "-AlarmLow-" + id;
    int period = highResolution ? 10 : 60;
    String statistic = metric.equals("InvocationsPerCopy") || metric.equals("InvocationsPerInstance") ? "Sum" : "Average";
    cloudWatch.putMetricAlarm(PutMetricAlarmRequest.builder().alarmName(high).namespace("AWS/SageMaker").metricName(metric).dimensions(dimensions)
        .statistic(statistic).period(period).evaluationPeriods(highResolution ? 18 : 3).datapointsToAlarm(highResolution ? 18 : 3)
        .threshold(p.targetValue).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD).alarmActions(p.policyArn).build());
    List<String> names = new ArrayList<>(List.of(high));
    if (!Boolean.TRUE.equals(p.disableScaleIn)) {
      cloudWatch.putMetricAlarm(PutMetricAlarmRequest.builder().alarmName(low).namespace("AWS/SageMaker").metricName(metric).dimensions(dimensions)
          .statistic(statistic).period(period).evaluationPeriods(highResolution ? 90 : 15).datapointsToAlarm(highResolution ? 90 : 15)
          .threshold(p.targetValue * 0.9).comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD).alarmActions(p.policyArn).build());
      names.add(low);
    }
    p.alarmNames = names;
    return names.stream().map(n -> Alarm.builder().alarmName(n).alarmARN(cloudWatch.alarmArn(n)).build()).toList();
  }

  @Override
  public synchronized DescribeScalingPoliciesResponse describeScalingPolicies(DescribeScalingPoliciesRequest r) {
    List<ScalingPolicy> policies = state.policies.values().stream()
        .filter(p -> r.resourceId() == null || p.resourceId.equals(r.resourceId()))
        .filter(p -> r.scalableDimensionAsString() == null || p.scalableDimension.equals(r.scalableDimensionAsString()))
        .filter(p -> r.policyNames().isEmpty() || r.policyNames().contains(p.policyName))
        .map(this::describe).toList();
    return DescribeScalingPoliciesResponse.builder().scalingPolicies(policies).build();
  }

  ScalingPolicy describe(Policy p) {
    ScalingPolicy.Builder b = ScalingPolicy.builder().policyName(p.policyName).policyARN(p.policyArn).serviceNamespace(p.serviceNamespace)
        .resourceId(p.resourceId).scalableDimension(p.scalableDimension).policyType(p.policyType).creationTime(p.creationTime)
        .alarms(p.alarmNames.stream().map(n -> Alarm.builder().alarmName(n).alarmARN(cloudWatch.alarmArn(n)).build()).toList());
    if (p.targetValue != null) {
      b.targetTrackingScalingPolicyConfiguration(TargetTrackingScalingPolicyConfiguration.builder().targetValue(p.targetValue)
          .predefinedMetricSpecification(PredefinedMetricSpecification.builder().predefinedMetricType(p.predefinedMetricType).build())
          .scaleOutCooldown(p.scaleOutCooldown).scaleInCooldown(p.scaleInCooldown).disableScaleIn(p.disableScaleIn).build());
    }
    if (p.adjustmentType != null) {
      b.stepScalingPolicyConfiguration(StepScalingPolicyConfiguration.builder().adjustmentType(p.adjustmentType).cooldown(p.cooldown)
          .metricAggregationType(p.metricAggregationType).minAdjustmentMagnitude(p.minAdjustmentMagnitude)
          .stepAdjustments(p.stepAdjustments.stream().map(s -> StepAdjustment.builder()
              .metricIntervalLowerBound(Double.isInfinite(s[0]) ? null : s[0]).metricIntervalUpperBound(Double.isInfinite(s[1]) ? null : s[1])
              .scalingAdjustment((int) s[2]).build()).toList()).build());
    }
    return b.build();
  }

  @Override
  public synchronized DeleteScalingPolicyResponse deleteScalingPolicy(DeleteScalingPolicyRequest r) {
    Policy p = state.policies.get(key(r.resourceId(), r.scalableDimensionAsString()) + "|" + r.policyName());
    if (p == null) {
      throw notFound("No scaling policy found for service namespace: sagemaker, resource ID: " + r.resourceId() + ", scalable dimension: "
          + r.scalableDimensionAsString() + ", policy name: " + r.policyName());
    }
    removePolicy(p);
    return DeleteScalingPolicyResponse.builder().build();
  }

  /** Records a scaling activity (native policy executions and scheduled actions add them). */
  public synchronized void record(Activity activity) {
    state.activities.add(activity);
  }

  @Override
  public synchronized DescribeScalingActivitiesResponse describeScalingActivities(DescribeScalingActivitiesRequest r) {
    List<ScalingActivity> activities = state.activities.stream()
        .filter(a -> r.resourceId() == null || a.resourceId().equals(r.resourceId()))
        .filter(a -> r.scalableDimensionAsString() == null || a.scalableDimension().equals(r.scalableDimensionAsString()))
        .sorted((x, y) -> y.startTime().compareTo(x.startTime()))
        .map(a -> ScalingActivity.builder().activityId(a.activityId()).serviceNamespace(a.serviceNamespace()).resourceId(a.resourceId())
            .scalableDimension(a.scalableDimension()).description(a.description()).cause(a.cause()).startTime(a.startTime()).endTime(a.endTime())
            .statusCode(a.statusCode()).statusMessage(a.statusMessage()).build()).toList();
    return DescribeScalingActivitiesResponse.builder().scalingActivities(activities).build();
  }
}

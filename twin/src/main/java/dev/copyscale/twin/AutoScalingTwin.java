package dev.copyscale.twin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.*;

/**
 * Application Auto Scaling in the twin, for SageMaker's two dimensions: scalable targets, policies
 * (target tracking creates its two CloudWatch alarms, as AAS does: {@link TrackingAlarms}) and
 * scaling activities. The resource must exist in the twin's SageMaker, as AAS checks. The twin keeps
 * policies but does not execute them; whatever executes them records its activities with {@link
 * #record}.
 */
public final class AutoScalingTwin implements ApplicationAutoScalingClient {
  static final String COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";
  static final String VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount";

  public static final class State {
    public TreeMap<String, Target> targets = new TreeMap<>();
    public TreeMap<String, Policy> policies = new TreeMap<>();
    public List<Activity> activities = new ArrayList<>();
    /** Seeds the ids AAS makes up (ARNs, alarm names): deterministic, so a world replays identically. */
    public long nextId = 1;
  }

  public static final class Target {
    public String serviceNamespace;
    public String resourceId;
    public String scalableDimension;
    public int minCapacity;
    public int maxCapacity;
    public String roleArn;
    public String arn;
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
    public List<Step> stepAdjustments = new ArrayList<>();
    public List<String> alarmNames = new ArrayList<>();
    public Instant creationTime;
  }

  /** One step adjustment; a null bound is unbounded, as in the API. */
  public record Step(Double lower, Double upper, int adjustment) {}

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

  private static String target(String namespace, String resourceId, String dimension) {
    return "service namespace: " + namespace + ", resource ID: " + resourceId + ", scalable dimension: " + dimension;
  }

  /** A fresh id AAS would make up: a UUID, derived from a counter so that a world replays identically. */
  private String nextUuid() {
    return UUID.nameUUIDFromBytes(("application-autoscaling-" + state.nextId++).getBytes(StandardCharsets.UTF_8)).toString();
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
      SageMakerState.Endpoint endpoint = sageMaker.state().endpoints.get(parts[1]);
      if (endpoint == null) {
        throw validation("The endpoint " + parts[1] + " does not exist.");
      }
      String variant = sageMaker.state().endpointConfig(endpoint.configName).variantName;
      if (!variant.equals(parts[3])) {
        throw validation("The variant " + parts[3] + " does not exist on endpoint " + parts[1] + ".");
      }
    } else {
      throw validation("Unsupported service namespace, resource type or scalable dimension: " + dimension + ".");
    }
  }

  /** Registers a target, or changes only the given fields of an existing one (as AAS does). */
  @Override
  public synchronized RegisterScalableTargetResponse registerScalableTarget(RegisterScalableTargetRequest r) {
    checkResource(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString());
    Target t = state.targets.get(key(r.resourceId(), r.scalableDimensionAsString()));
    boolean created = t == null;
    if (created) {
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
    int min = r.minCapacity() == null ? t.minCapacity : r.minCapacity();
    int max = r.maxCapacity() == null ? t.maxCapacity : r.maxCapacity();
    if (min < 0 || max < 0) {
      throw validation("Minimum and maximum capacity cannot be negative; got " + min + " and " + max + ".");
    }
    if (min > max) {
      throw validation("Minimum capacity cannot be greater than maximum capacity; got " + min + " and " + max + ".");
    }
    if (created) {
      t.arn = "arn:aws:application-autoscaling:" + region + ":" + account + ":scalable-target/" + nextUuid().replace("-", "");
    }
    t.minCapacity = min;
    t.maxCapacity = max;
    state.targets.put(key(t.resourceId, t.scalableDimension), t);
    return RegisterScalableTargetResponse.builder().scalableTargetARN(t.arn).build();
  }

  @Override
  public synchronized DescribeScalableTargetsResponse describeScalableTargets(DescribeScalableTargetsRequest r) {
    List<ScalableTarget> targets = state.targets.values().stream()
        .filter(t -> r.serviceNamespaceAsString() == null || t.serviceNamespace.equals(r.serviceNamespaceAsString()))
        .filter(t -> r.resourceIds().isEmpty() || r.resourceIds().contains(t.resourceId))
        .filter(t -> r.scalableDimensionAsString() == null || t.scalableDimension.equals(r.scalableDimensionAsString()))
        .map(t -> ScalableTarget.builder().serviceNamespace(t.serviceNamespace).resourceId(t.resourceId).scalableDimension(t.scalableDimension)
            .minCapacity(t.minCapacity).maxCapacity(t.maxCapacity).roleARN(t.roleArn).creationTime(t.creationTime).scalableTargetARN(t.arn).build())
        .toList();
    return DescribeScalableTargetsResponse.builder().scalableTargets(targets).build();
  }

  /** Deregisters a target; its policies and their alarms go with it. */
  @Override
  public synchronized DeregisterScalableTargetResponse deregisterScalableTarget(DeregisterScalableTargetRequest r) {
    String key = key(r.resourceId(), r.scalableDimensionAsString());
    if (!state.targets.containsKey(key)) {
      throw notFound("No scalable target found for " + target(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString()));
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
    deleteAlarms(p);
  }

  private void deleteAlarms(Policy p) {
    List<String> existing = p.alarmNames.stream().filter(cloudWatch.state().alarms::containsKey).toList();
    if (!existing.isEmpty()) {
      cloudWatch.deleteAlarms(b -> b.alarmNames(existing));
    }
  }

  @Override
  public synchronized PutScalingPolicyResponse putScalingPolicy(PutScalingPolicyRequest r) {
    String targetKey = key(r.resourceId(), r.scalableDimensionAsString());
    if (!state.targets.containsKey(targetKey)) {
      throw notFound("No scalable target registered for " + target(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString()));
    }
    String policyKey = targetKey + "|" + r.policyName();
    Policy old = state.policies.get(policyKey);
    Policy p = new Policy();
    p.policyName = r.policyName();
    p.serviceNamespace = r.serviceNamespaceAsString();
    p.resourceId = r.resourceId();
    p.scalableDimension = r.scalableDimensionAsString();
    p.policyType = r.policyTypeAsString();
    if ("TargetTrackingScaling".equals(p.policyType)) {
      trackingConfiguration(p, r.targetTrackingScalingPolicyConfiguration());
    } else if ("StepScaling".equals(p.policyType)) {
      stepConfiguration(p, r.stepScalingPolicyConfiguration());
    } else {
      throw validation("1 validation error detected: Value '" + p.policyType
          + "' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [PredictiveScaling, StepScaling, TargetTrackingScaling]");
    }
    p.creationTime = old == null ? clock.instant() : old.creationTime;
    p.policyArn = old != null ? old.policyArn
        : "arn:aws:autoscaling:" + region + ":" + account + ":scalingPolicy:" + nextUuid() + ":resource/" + p.serviceNamespace + "/" + p.resourceId + ":policyName/" + p.policyName;
    if (old != null) {
      // A changed target-tracking policy gets fresh alarms; a step policy keeps the alarms its owner wired to it.
      if (old.policyType.equals("TargetTrackingScaling")) {
        deleteAlarms(old);
      } else if (p.policyType.equals("StepScaling")) {
        p.alarmNames = old.alarmNames;
      }
    }
    if ("TargetTrackingScaling".equals(p.policyType)) {
      p.alarmNames = new TrackingAlarms(cloudWatch).create(p, this::nextUuid);
    }
    state.policies.put(policyKey, p);
    return PutScalingPolicyResponse.builder().policyARN(p.policyArn).alarms(alarms(p)).build();
  }

  private static void trackingConfiguration(Policy p, TargetTrackingScalingPolicyConfiguration c) {
    if (c == null || c.targetValue() == null || c.predefinedMetricSpecification() == null) {
      throw validation("TargetTrackingScalingPolicyConfiguration with TargetValue and a PredefinedMetricSpecification is required.");
    }
    p.targetValue = c.targetValue();
    p.predefinedMetricType = c.predefinedMetricSpecification().predefinedMetricTypeAsString();
    TrackingAlarms.checkMetric(p.predefinedMetricType, p.scalableDimension);
    p.scaleOutCooldown = c.scaleOutCooldown();
    p.scaleInCooldown = c.scaleInCooldown();
    p.disableScaleIn = c.disableScaleIn();
  }

  private static void stepConfiguration(Policy p, StepScalingPolicyConfiguration c) {
    if (c == null || c.stepAdjustments().isEmpty()) {
      throw validation("StepScalingPolicyConfiguration with StepAdjustments is required.");
    }
    p.adjustmentType = c.adjustmentTypeAsString();
    p.cooldown = c.cooldown();
    p.metricAggregationType = c.metricAggregationTypeAsString();
    p.minAdjustmentMagnitude = c.minAdjustmentMagnitude();
    for (StepAdjustment s : c.stepAdjustments()) {
      p.stepAdjustments.add(new Step(s.metricIntervalLowerBound(), s.metricIntervalUpperBound(), s.scalingAdjustment()));
    }
  }

  private List<Alarm> alarms(Policy p) {
    return p.alarmNames.stream().map(n -> Alarm.builder().alarmName(n).alarmARN(cloudWatch.alarmArn(n)).build()).toList();
  }

  @Override
  public synchronized DescribeScalingPoliciesResponse describeScalingPolicies(DescribeScalingPoliciesRequest r) {
    List<ScalingPolicy> policies = state.policies.values().stream()
        .filter(p -> r.serviceNamespaceAsString() == null || p.serviceNamespace.equals(r.serviceNamespaceAsString()))
        .filter(p -> r.resourceId() == null || p.resourceId.equals(r.resourceId()))
        .filter(p -> r.scalableDimensionAsString() == null || p.scalableDimension.equals(r.scalableDimensionAsString()))
        .filter(p -> r.policyNames().isEmpty() || r.policyNames().contains(p.policyName))
        .map(this::describe).toList();
    return DescribeScalingPoliciesResponse.builder().scalingPolicies(policies).build();
  }

  ScalingPolicy describe(Policy p) {
    ScalingPolicy.Builder b = ScalingPolicy.builder().policyName(p.policyName).policyARN(p.policyArn).serviceNamespace(p.serviceNamespace)
        .resourceId(p.resourceId).scalableDimension(p.scalableDimension).policyType(p.policyType).creationTime(p.creationTime).alarms(alarms(p));
    if (p.targetValue != null) {
      b.targetTrackingScalingPolicyConfiguration(TargetTrackingScalingPolicyConfiguration.builder().targetValue(p.targetValue)
          .predefinedMetricSpecification(PredefinedMetricSpecification.builder().predefinedMetricType(p.predefinedMetricType).build())
          .scaleOutCooldown(p.scaleOutCooldown).scaleInCooldown(p.scaleInCooldown).disableScaleIn(p.disableScaleIn).build());
    }
    if (p.adjustmentType != null) {
      b.stepScalingPolicyConfiguration(StepScalingPolicyConfiguration.builder().adjustmentType(p.adjustmentType).cooldown(p.cooldown)
          .metricAggregationType(p.metricAggregationType).minAdjustmentMagnitude(p.minAdjustmentMagnitude)
          .stepAdjustments(p.stepAdjustments.stream().map(s -> StepAdjustment.builder()
              .metricIntervalLowerBound(s.lower()).metricIntervalUpperBound(s.upper()).scalingAdjustment(s.adjustment()).build()).toList()).build());
    }
    return b.build();
  }

  @Override
  public synchronized DeleteScalingPolicyResponse deleteScalingPolicy(DeleteScalingPolicyRequest r) {
    Policy p = state.policies.get(key(r.resourceId(), r.scalableDimensionAsString()) + "|" + r.policyName());
    if (p == null) {
      throw notFound("No scaling policy found for " + target(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString())
          + ", policy name: " + r.policyName());
    }
    removePolicy(p);
    return DeleteScalingPolicyResponse.builder().build();
  }

  /** Appends a scaling activity, as AAS records one when it scales (native policy executions and scheduled actions). */
  public synchronized void record(Activity activity) {
    state.activities.add(activity);
  }

  /** Activities, newest first, as AAS lists them. Registering a target records none. */
  @Override
  public synchronized DescribeScalingActivitiesResponse describeScalingActivities(DescribeScalingActivitiesRequest r) {
    List<ScalingActivity> activities = state.activities.stream()
        .filter(a -> r.serviceNamespaceAsString() == null || a.serviceNamespace().equals(r.serviceNamespaceAsString()))
        .filter(a -> r.resourceId() == null || a.resourceId().equals(r.resourceId()))
        .filter(a -> r.scalableDimensionAsString() == null || a.scalableDimension().equals(r.scalableDimensionAsString()))
        .sorted(Comparator.comparing(Activity::startTime).reversed())
        .map(a -> ScalingActivity.builder().activityId(a.activityId()).serviceNamespace(a.serviceNamespace()).resourceId(a.resourceId())
            .scalableDimension(a.scalableDimension()).description(a.description()).cause(a.cause()).startTime(a.startTime()).endTime(a.endTime())
            .statusCode(a.statusCode()).statusMessage(a.statusMessage()).build()).toList();
    return DescribeScalingActivitiesResponse.builder().scalingActivities(activities).build();
  }
}

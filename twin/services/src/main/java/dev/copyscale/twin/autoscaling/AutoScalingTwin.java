package dev.copyscale.twin.autoscaling;

import dev.copyscale.twin.cloudwatch.AlarmActionInvocation;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.sagemaker.SageMakerTwin;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.*;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;

/**
 * Application Auto Scaling in the twin, for SageMaker's two dimensions: scalable targets, policies
 * (target tracking creates its two CloudWatch alarms, as AAS does: {@link TrackingAlarms}) and
 * scaling activities. The resource must exist in the twin's SageMaker, as AAS checks. CloudWatch
 * runs the policies through {@link #invoke} when their alarms are in ALARM: step policies and
 * target tracking by AAS's documented rules ({@link NativeScaling}, independent of copyscale's own
 * step rules); each change goes to the twin's SageMaker and is recorded as a scaling activity.
 * Scheduled actions record theirs with {@link #record}.
 */
public final class AutoScalingTwin implements ApplicationAutoScalingClient {
  static final String COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";
  static final String VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount";

  /**
   * Everything the twin's AAS holds, as persisted in the world file (Jackson reads and writes the
   * fields; they are not final so that it can). Changed only through the methods below, under the
   * twin's lock; readers get unmodifiable views.
   */
  public static final class State {
    private TreeMap<String, Target> targets = new TreeMap<>();
    private TreeMap<String, Policy> policies = new TreeMap<>();
    private List<Activity> activities = new ArrayList<>();

    /**
     * The capacity changes native policies made, per target, oldest first: what cooldowns are
     * measured from.
     */
    private List<PolicyChange> policyChanges = new ArrayList<>();

    /**
     * Seeds the ids AAS makes up (ARNs, alarm names): deterministic, so a world replays
     * identically.
     */
    private long nextId = 1;

    /** A target's key in the world file: resource and dimension. */
    private static String key(String resourceId, String dimension) {
      return resourceId + "|" + dimension;
    }

    private static String key(Policy p) {
      return key(p.resourceId(), p.scalableDimension()) + "|" + p.policyName();
    }

    public Collection<Target> targets() {
      return Collections.unmodifiableCollection(targets.values());
    }

    /** The target registered for this resource and dimension, or null. */
    public Target target(String resourceId, String dimension) {
      return targets.get(key(resourceId, dimension));
    }

    /** Registers {@code t}, replacing the target registered for its resource and dimension. */
    void putTarget(Target t) {
      targets.put(key(t.resourceId(), t.scalableDimension()), t);
    }

    void removeTarget(String resourceId, String dimension) {
      targets.remove(key(resourceId, dimension));
    }

    public Collection<Policy> policies() {
      return Collections.unmodifiableCollection(policies.values());
    }

    /** The policy of this name on this resource and dimension, or null. */
    public Policy policy(String resourceId, String dimension, String name) {
      return policies.get(key(resourceId, dimension) + "|" + name);
    }

    /** Stores {@code p}, replacing the policy of its name on its target. */
    void putPolicy(Policy p) {
      policies.put(key(p), p);
    }

    void removePolicy(Policy p) {
      policies.remove(key(p));
    }

    /** Every activity in the order recorded (oldest first). */
    public List<Activity> activities() {
      return Collections.unmodifiableList(activities);
    }

    void recordActivity(Activity a) {
      activities.add(a);
    }

    /** Native policies' capacity changes, oldest first. */
    public List<PolicyChange> policyChanges() {
      return Collections.unmodifiableList(policyChanges);
    }

    void recordPolicyChange(PolicyChange c) {
      policyChanges.add(c);
    }

    /** The next id seed; each is used once. */
    long takeId() {
      return nextId++;
    }
  }

  /** A scalable target; only its bounds change, by re-registering ({@link #withBounds}). */
  public record Target(
      String serviceNamespace,
      String resourceId,
      String scalableDimension,
      int minCapacity,
      int maxCapacity,
      String roleArn,
      String arn,
      Instant creationTime) {
    Target withBounds(int min, int max) {
      return new Target(
          serviceNamespace, resourceId, scalableDimension, min, max, roleArn, arn, creationTime);
    }
  }

  /**
   * A scaling policy, in PutScalingPolicy's terms: one of the two configurations is set. Built once
   * per PutScalingPolicy ({@link #configureTracking} or {@link #configureSteps}, then {@link
   * #assign}, then its alarms) and not changed once stored; fields are private for Jackson.
   */
  public static final class Policy {
    private String policyName;
    private String policyArn;
    private String serviceNamespace;
    private String resourceId;
    private String scalableDimension;
    private String policyType;
    private Double targetValue;
    private String predefinedMetricType;
    private Integer scaleOutCooldown;
    private Integer scaleInCooldown;
    private Boolean disableScaleIn;
    private String adjustmentType;
    private Integer cooldown;
    private String metricAggregationType;
    private Integer minAdjustmentMagnitude;
    private List<Step> stepAdjustments = new ArrayList<>();
    private List<String> alarmNames = new ArrayList<>();
    private Instant creationTime;

    /** For Jackson. */
    private Policy() {}

    Policy(
        String policyName,
        String serviceNamespace,
        String resourceId,
        String scalableDimension,
        String policyType) {
      this.policyName = policyName;
      this.serviceNamespace = serviceNamespace;
      this.resourceId = resourceId;
      this.scalableDimension = scalableDimension;
      this.policyType = policyType;
    }

    void configureTracking(
        Double targetValue,
        String predefinedMetricType,
        Integer scaleOutCooldown,
        Integer scaleInCooldown,
        Boolean disableScaleIn) {
      this.targetValue = targetValue;
      this.predefinedMetricType = predefinedMetricType;
      this.scaleOutCooldown = scaleOutCooldown;
      this.scaleInCooldown = scaleInCooldown;
      this.disableScaleIn = disableScaleIn;
    }

    void configureSteps(
        String adjustmentType,
        Integer cooldown,
        String metricAggregationType,
        Integer minAdjustmentMagnitude,
        List<Step> steps) {
      this.adjustmentType = adjustmentType;
      this.cooldown = cooldown;
      this.metricAggregationType = metricAggregationType;
      this.minAdjustmentMagnitude = minAdjustmentMagnitude;
      this.stepAdjustments = new ArrayList<>(steps);
    }

    /**
     * Its ARN and creation time: new ones for a new policy, the old policy's when it is replaced.
     */
    void assign(String policyArn, Instant creationTime) {
      this.policyArn = policyArn;
      this.creationTime = creationTime;
    }

    /**
     * The alarms that invoke it: the ones AAS created for target tracking, or a step policy's
     * owner's.
     */
    void attachAlarms(List<String> names) {
      this.alarmNames = new ArrayList<>(names);
    }

    public String policyName() {
      return policyName;
    }

    public String policyArn() {
      return policyArn;
    }

    public String serviceNamespace() {
      return serviceNamespace;
    }

    public String resourceId() {
      return resourceId;
    }

    public String scalableDimension() {
      return scalableDimension;
    }

    public String policyType() {
      return policyType;
    }

    public Double targetValue() {
      return targetValue;
    }

    public String predefinedMetricType() {
      return predefinedMetricType;
    }

    public Integer scaleOutCooldown() {
      return scaleOutCooldown;
    }

    public Integer scaleInCooldown() {
      return scaleInCooldown;
    }

    public Boolean disableScaleIn() {
      return disableScaleIn;
    }

    public String adjustmentType() {
      return adjustmentType;
    }

    public Integer cooldown() {
      return cooldown;
    }

    public String metricAggregationType() {
      return metricAggregationType;
    }

    public Integer minAdjustmentMagnitude() {
      return minAdjustmentMagnitude;
    }

    public List<Step> stepAdjustments() {
      return Collections.unmodifiableList(stepAdjustments);
    }

    public List<String> alarmNames() {
      return Collections.unmodifiableList(alarmNames);
    }

    public Instant creationTime() {
      return creationTime;
    }
  }

  /** One step adjustment; a null bound is unbounded, as in the API. */
  public record Step(Double lower, Double upper, int adjustment) {}

  /** A scaling activity, in DescribeScalingActivities' member names. */
  public record Activity(
      String activityId,
      String serviceNamespace,
      String resourceId,
      String scalableDimension,
      String description,
      String cause,
      Instant startTime,
      Instant endTime,
      String statusCode,
      String statusMessage) {}

  /**
   * One capacity change a native policy made on a target: when, and from which capacity to which.
   */
  public record PolicyChange(
      String resourceId,
      String scalableDimension,
      String policyName,
      Instant at,
      int from,
      int to) {}

  private final Clock clock;
  private final String region;
  private final String account;
  private final SageMakerTwin sageMaker;
  private final CloudWatchTwin cloudWatch;
  private final State state;

  public AutoScalingTwin(
      Clock clock,
      String region,
      String account,
      SageMakerTwin sageMaker,
      CloudWatchTwin cloudWatch,
      State state) {
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
    return (ApplicationAutoScalingException)
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

  private static ApplicationAutoScalingException notFound(String message) {
    return (ApplicationAutoScalingException)
        ObjectNotFoundException.builder()
            .message(message)
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ObjectNotFoundException")
                    .errorMessage(message)
                    .serviceName("ApplicationAutoScaling")
                    .build())
            .build();
  }

  private static String target(String namespace, String resourceId, String dimension) {
    return "service namespace: "
        + namespace
        + ", resource ID: "
        + resourceId
        + ", scalable dimension: "
        + dimension;
  }

  /**
   * A fresh id AAS would make up: a UUID, derived from a counter so that a world replays
   * identically.
   */
  private String nextUuid() {
    return UUID.nameUUIDFromBytes(
            ("application-autoscaling-" + state.takeId()).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private void checkResource(String namespace, String resourceId, String dimension) {
    if (!"sagemaker".equals(namespace)) {
      throw validation(
          "The twin scales the sagemaker service namespace only; got " + namespace + ".");
    }
    if (COPY_DIMENSION.equals(dimension)) {
      if (resourceId == null || !resourceId.startsWith("inference-component/")) {
        throw validation(
            "Unsupported resource id "
                + resourceId
                + " for scalable dimension "
                + dimension
                + ": expected inference-component/NAME.");
      }
      String name = resourceId.substring("inference-component/".length());
      SageMakerState.Component component = sageMaker.state().components().get(name);
      if (component == null) {
        throw validation("Inference component " + name + " does not exist.");
      }
      if (component.adapter()) {
        // ASSUMED (AWS documents no answer): an adapter has no copy count to scale.
        throw validation(
            "Inference component "
                + name
                + " is an adapter inference component: it has no DesiredCopyCount of its own and"
                + " scales with its base inference component "
                + component.baseComponentName()
                + "; register inference-component/"
                + component.baseComponentName()
                + " instead.");
      }
    } else if (VARIANT_DIMENSION.equals(dimension)) {
      String[] parts = resourceId == null ? new String[0] : resourceId.split("/");
      if (parts.length != 4 || !parts[0].equals("endpoint") || !parts[2].equals("variant")) {
        throw validation(
            "Unsupported resource id "
                + resourceId
                + " for scalable dimension "
                + dimension
                + ": expected endpoint/NAME/variant/VARIANT.");
      }
      SageMakerState.Endpoint endpoint = sageMaker.state().endpoints().get(parts[1]);
      if (endpoint == null) {
        throw validation("The endpoint " + parts[1] + " does not exist.");
      }
      String variant = sageMaker.state().endpointConfig(endpoint.configName()).variantName();
      if (!variant.equals(parts[3])) {
        throw validation(
            "The variant " + parts[3] + " does not exist on endpoint " + parts[1] + ".");
      }
    } else {
      throw validation(
          "Unsupported service namespace, resource type or scalable dimension: " + dimension + ".");
    }
  }

  /** Registers a target, or changes only the given fields of an existing one (as AAS does). */
  @Override
  public synchronized RegisterScalableTargetResponse registerScalableTarget(
      RegisterScalableTargetRequest r) {
    checkResource(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString());
    Target existing = state.target(r.resourceId(), r.scalableDimensionAsString());
    if (existing == null && (r.minCapacity() == null || r.maxCapacity() == null)) {
      throw validation(
          "MinCapacity and MaxCapacity are required to register a new scalable target.");
    }
    int min = r.minCapacity() == null ? existing.minCapacity() : r.minCapacity();
    int max = r.maxCapacity() == null ? existing.maxCapacity() : r.maxCapacity();
    if (min < 0 || max < 0) {
      throw validation(
          "Minimum and maximum capacity cannot be negative; got " + min + " and " + max + ".");
    }
    if (min > max) {
      throw validation(
          "Minimum capacity cannot be greater than maximum capacity; got "
              + min
              + " and "
              + max
              + ".");
    }
    Target t =
        existing != null
            ? existing.withBounds(min, max)
            : new Target(
                r.serviceNamespaceAsString(),
                r.resourceId(),
                r.scalableDimensionAsString(),
                min,
                max,
                "arn:aws:iam::"
                    + account
                    + ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
                    + "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                "arn:aws:application-autoscaling:"
                    + region
                    + ":"
                    + account
                    + ":scalable-target/"
                    + nextUuid().replace("-", ""),
                clock.instant());
    state.putTarget(t);
    return RegisterScalableTargetResponse.builder().scalableTargetARN(t.arn()).build();
  }

  @Override
  public synchronized DescribeScalableTargetsResponse describeScalableTargets(
      DescribeScalableTargetsRequest r) {
    List<ScalableTarget> targets =
        state.targets().stream()
            .filter(
                t ->
                    r.serviceNamespaceAsString() == null
                        || t.serviceNamespace().equals(r.serviceNamespaceAsString()))
            .filter(t -> r.resourceIds().isEmpty() || r.resourceIds().contains(t.resourceId()))
            .filter(
                t ->
                    r.scalableDimensionAsString() == null
                        || t.scalableDimension().equals(r.scalableDimensionAsString()))
            .map(
                t ->
                    ScalableTarget.builder()
                        .serviceNamespace(t.serviceNamespace())
                        .resourceId(t.resourceId())
                        .scalableDimension(t.scalableDimension())
                        .minCapacity(t.minCapacity())
                        .maxCapacity(t.maxCapacity())
                        .roleARN(t.roleArn())
                        .creationTime(t.creationTime())
                        .scalableTargetARN(t.arn())
                        .build())
            .toList();
    return DescribeScalableTargetsResponse.builder().scalableTargets(targets).build();
  }

  /** Deregisters a target; its policies and their alarms go with it. */
  @Override
  public synchronized DeregisterScalableTargetResponse deregisterScalableTarget(
      DeregisterScalableTargetRequest r) {
    if (state.target(r.resourceId(), r.scalableDimensionAsString()) == null) {
      throw notFound(
          "No scalable target found for "
              + target(
                  r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString()));
    }
    state.removeTarget(r.resourceId(), r.scalableDimensionAsString());
    for (Policy p : List.copyOf(state.policies())) {
      if (p.resourceId().equals(r.resourceId())
          && p.scalableDimension().equals(r.scalableDimensionAsString())) {
        removePolicy(p);
      }
    }
    return DeregisterScalableTargetResponse.builder().build();
  }

  private void removePolicy(Policy p) {
    state.removePolicy(p);
    deleteAlarms(p);
  }

  private void deleteAlarms(Policy p) {
    List<String> existing =
        p.alarmNames().stream().filter(name -> cloudWatch.state().alarm(name) != null).toList();
    if (!existing.isEmpty()) {
      cloudWatch.deleteAlarms(b -> b.alarmNames(existing));
    }
  }

  @Override
  public synchronized PutScalingPolicyResponse putScalingPolicy(PutScalingPolicyRequest r) {
    if (state.target(r.resourceId(), r.scalableDimensionAsString()) == null) {
      throw notFound(
          "No scalable target registered for "
              + target(
                  r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString()));
    }
    Policy old = state.policy(r.resourceId(), r.scalableDimensionAsString(), r.policyName());
    Policy p =
        new Policy(
            r.policyName(),
            r.serviceNamespaceAsString(),
            r.resourceId(),
            r.scalableDimensionAsString(),
            r.policyTypeAsString());
    if ("TargetTrackingScaling".equals(p.policyType())) {
      trackingConfiguration(p, r.targetTrackingScalingPolicyConfiguration());
    } else if ("StepScaling".equals(p.policyType())) {
      stepConfiguration(p, r.stepScalingPolicyConfiguration());
    } else {
      throw validation(
          "1 validation error detected: Value '"
              + p.policyType()
              + "' at 'policyType' failed to satisfy constraint: Member must satisfy enum value"
              + " set: [PredictiveScaling, StepScaling, TargetTrackingScaling]");
    }
    p.assign(
        old != null
            ? old.policyArn()
            : "arn:aws:autoscaling:"
                + region
                + ":"
                + account
                + ":scalingPolicy:"
                + nextUuid()
                + ":resource/"
                + p.serviceNamespace()
                + "/"
                + p.resourceId()
                + ":policyName/"
                + p.policyName(),
        old == null ? clock.instant() : old.creationTime());
    if (old != null) {
      // A changed target-tracking policy gets fresh alarms; a step policy keeps the alarms its
      // owner wired to it.
      if (old.policyType().equals("TargetTrackingScaling")) {
        deleteAlarms(old);
      } else if (p.policyType().equals("StepScaling")) {
        p.attachAlarms(old.alarmNames());
      }
    }
    if ("TargetTrackingScaling".equals(p.policyType())) {
      p.attachAlarms(new TrackingAlarms(cloudWatch).create(p, this::nextUuid));
    }
    state.putPolicy(p);
    return PutScalingPolicyResponse.builder().policyARN(p.policyArn()).alarms(alarms(p)).build();
  }

  private static void trackingConfiguration(Policy p, TargetTrackingScalingPolicyConfiguration c) {
    if (c == null || c.targetValue() == null || c.predefinedMetricSpecification() == null) {
      throw validation(
          "TargetTrackingScalingPolicyConfiguration with TargetValue and a"
              + " PredefinedMetricSpecification is required.");
    }
    String metric = c.predefinedMetricSpecification().predefinedMetricTypeAsString();
    TrackingAlarms.checkMetric(metric, p.scalableDimension());
    p.configureTracking(
        c.targetValue(), metric, c.scaleOutCooldown(), c.scaleInCooldown(), c.disableScaleIn());
  }

  private static void stepConfiguration(Policy p, StepScalingPolicyConfiguration c) {
    if (c == null || c.stepAdjustments().isEmpty()) {
      throw validation("StepScalingPolicyConfiguration with StepAdjustments is required.");
    }
    p.configureSteps(
        c.adjustmentTypeAsString(),
        c.cooldown(),
        c.metricAggregationTypeAsString(),
        c.minAdjustmentMagnitude(),
        c.stepAdjustments().stream()
            .map(
                s ->
                    new Step(
                        s.metricIntervalLowerBound(),
                        s.metricIntervalUpperBound(),
                        s.scalingAdjustment()))
            .toList());
  }

  private List<Alarm> alarms(Policy p) {
    return p.alarmNames().stream()
        .map(n -> Alarm.builder().alarmName(n).alarmARN(cloudWatch.alarmArn(n)).build())
        .toList();
  }

  @Override
  public synchronized DescribeScalingPoliciesResponse describeScalingPolicies(
      DescribeScalingPoliciesRequest r) {
    List<ScalingPolicy> policies =
        state.policies().stream()
            .filter(
                p ->
                    r.serviceNamespaceAsString() == null
                        || p.serviceNamespace().equals(r.serviceNamespaceAsString()))
            .filter(p -> r.resourceId() == null || p.resourceId().equals(r.resourceId()))
            .filter(
                p ->
                    r.scalableDimensionAsString() == null
                        || p.scalableDimension().equals(r.scalableDimensionAsString()))
            .filter(p -> r.policyNames().isEmpty() || r.policyNames().contains(p.policyName()))
            .map(this::describe)
            .toList();
    return DescribeScalingPoliciesResponse.builder().scalingPolicies(policies).build();
  }

  ScalingPolicy describe(Policy p) {
    ScalingPolicy.Builder b =
        ScalingPolicy.builder()
            .policyName(p.policyName())
            .policyARN(p.policyArn())
            .serviceNamespace(p.serviceNamespace())
            .resourceId(p.resourceId())
            .scalableDimension(p.scalableDimension())
            .policyType(p.policyType())
            .creationTime(p.creationTime())
            .alarms(alarms(p));
    if (p.targetValue() != null) {
      b.targetTrackingScalingPolicyConfiguration(
          TargetTrackingScalingPolicyConfiguration.builder()
              .targetValue(p.targetValue())
              .predefinedMetricSpecification(
                  PredefinedMetricSpecification.builder()
                      .predefinedMetricType(p.predefinedMetricType())
                      .build())
              .scaleOutCooldown(p.scaleOutCooldown())
              .scaleInCooldown(p.scaleInCooldown())
              .disableScaleIn(p.disableScaleIn())
              .build());
    }
    if (p.adjustmentType() != null) {
      b.stepScalingPolicyConfiguration(stepConfiguration(p));
    }
    return b.build();
  }

  @Override
  public synchronized DeleteScalingPolicyResponse deleteScalingPolicy(
      DeleteScalingPolicyRequest r) {
    Policy p = state.policy(r.resourceId(), r.scalableDimensionAsString(), r.policyName());
    if (p == null) {
      throw notFound(
          "No scaling policy found for "
              + target(r.serviceNamespaceAsString(), r.resourceId(), r.scalableDimensionAsString())
              + ", policy name: "
              + r.policyName());
    }
    removePolicy(p);
    return DeleteScalingPolicyResponse.builder().build();
  }

  // ---- executing native policies ----------------------------------------------------------------

  /**
   * CloudWatch invoking a policy from an alarm action: on the alarm's change to ALARM and again at
   * each evaluation while it stays there. The action names the policy (step alarms carry its ARN,
   * target-tracking alarms {@code <policyArn>:createdBy/<uuid>}); an action whose policy is gone is
   * ignored, as AAS ignores stale alarm actions. A change is applied through the twin's SageMaker
   * and recorded as an activity; SageMaker refusing it (an update in progress) is recorded as a
   * Failed activity, and the next invocation tries again. No change, no activity.
   */
  public synchronized void invoke(AlarmActionInvocation action) {
    if (action == null || !"ALARM".equals(action.stateValue())) {
      return;
    }
    Policy p = policyFor(action.actionArn());
    if (p == null) {
      return;
    }
    Target t = state.target(p.resourceId(), p.scalableDimension());
    if (t == null) {
      return;
    }
    Integer current = currentCapacity(t);
    if (current == null) {
      return;
    }
    Instant now = clock.instant();
    NativeScaling.History history = history(t);
    int to;
    if ("StepScaling".equals(p.policyType())) {
      NativeScaling.StepOutcome d =
          NativeScaling.step(
              stepConfiguration(p),
              action.metricValue(),
              action.threshold(),
              below(action),
              current,
              t.minCapacity(),
              t.maxCapacity(),
              history,
              now);
      if (!d.scaled()) {
        return;
      }
      to = d.to();
    } else if ("TargetTrackingScaling".equals(p.policyType())) {
      NativeScaling.Decision d =
          NativeScaling.targetTracking(
              high(action),
              action.metricValue(),
              p.targetValue(),
              current,
              t.minCapacity(),
              t.maxCapacity(),
              Boolean.TRUE.equals(p.disableScaleIn()),
              p.scaleOutCooldown(),
              p.scaleInCooldown(),
              history,
              now);
      if (!d.scaled()) {
        return;
      }
      to = d.to();
    } else {
      return;
    }
    apply(t, p, action, current, to, now);
  }

  /** The policy an alarm action names, or null when it no longer exists. */
  private Policy policyFor(String actionArn) {
    if (actionArn == null) {
      return null;
    }
    int createdBy = actionArn.indexOf(":createdBy/");
    String arn = createdBy < 0 ? actionArn : actionArn.substring(0, createdBy);
    return state.policies().stream()
        .filter(p -> arn.equals(p.policyArn()))
        .findFirst()
        .orElse(null);
  }

  /**
   * A stored step policy as PutScalingPolicy received it (and DescribeScalingPolicies returns it).
   */
  static StepScalingPolicyConfiguration stepConfiguration(Policy p) {
    return StepScalingPolicyConfiguration.builder()
        .adjustmentType(p.adjustmentType())
        .cooldown(p.cooldown())
        .metricAggregationType(p.metricAggregationType())
        .minAdjustmentMagnitude(p.minAdjustmentMagnitude())
        .stepAdjustments(
            p.stepAdjustments().stream()
                .map(
                    s ->
                        StepAdjustment.builder()
                            .metricIntervalLowerBound(s.lower())
                            .metricIntervalUpperBound(s.upper())
                            .scalingAdjustment(s.adjustment())
                            .build())
                .toList())
        .build();
  }

  /**
   * Whether the alarm watches for the metric falling below its threshold (step bounds then count
   * downwards).
   */
  private static boolean below(AlarmActionInvocation action) {
    String op = action.comparisonOperator();
    return op != null && op.startsWith("LessThan");
  }

  /**
   * Whether a target-tracking alarm is its AlarmHigh (by its comparison, else by the name AAS gave
   * it).
   */
  private static boolean high(AlarmActionInvocation action) {
    String op = action.comparisonOperator();
    if (op != null && !op.isEmpty()) {
      return op.startsWith("GreaterThan");
    }
    return action.alarmName() == null || !action.alarmName().contains("-AlarmLow-");
  }

  /**
   * What cooldowns are measured from on a target: the changes its native policies made, folded in
   * order.
   */
  private NativeScaling.History history(Target t) {
    NativeScaling.History h = NativeScaling.History.NONE;
    for (PolicyChange change : state.policyChanges()) {
      if (change.resourceId().equals(t.resourceId())
          && change.scalableDimension().equals(t.scalableDimension())) {
        h = h.after(change.at(), change.from(), change.to());
      }
    }
    return h;
  }

  /**
   * The capacity AAS scales from: the component's desired copy count, or the variant's desired
   * instance count; null if the resource is gone.
   */
  private Integer currentCapacity(Target t) {
    try {
      if (COPY_DIMENSION.equals(t.scalableDimension())) {
        return sageMaker
            .describeInferenceComponent(b -> b.inferenceComponentName(componentName(t)))
            .runtimeConfig()
            .desiredCopyCount();
      }
      String[] parts = t.resourceId().split("/");
      DescribeEndpointResponse endpoint = sageMaker.describeEndpoint(b -> b.endpointName(parts[1]));
      return endpoint.productionVariants().stream()
          .filter(v -> v.variantName().equals(parts[3]))
          .findFirst()
          .map(v -> v.desiredInstanceCount())
          .orElse(null);
    } catch (AwsServiceException e) {
      return null;
    }
  }

  private static String componentName(Target t) {
    return t.resourceId().substring("inference-component/".length());
  }

  /**
   * Sets the new capacity through SageMaker and records the activity, Successful or Failed with
   * SageMaker's message.
   */
  private void apply(
      Target t, Policy p, AlarmActionInvocation action, int from, int to, Instant now) {
    boolean copies = COPY_DIMENSION.equals(t.scalableDimension());
    String unit = copies ? "copy count" : "instance count";
    String description = "Setting desired " + unit + " to " + to + ".";
    String cause =
        "monitor alarm "
            + action.alarmName()
            + " in state ALARM triggered policy "
            + p.policyName();
    try {
      if (copies) {
        sageMaker.updateInferenceComponentRuntimeConfig(
            b ->
                b.inferenceComponentName(componentName(t))
                    .desiredRuntimeConfig(c -> c.copyCount(to)));
      } else {
        String[] parts = t.resourceId().split("/");
        sageMaker.updateEndpointWeightsAndCapacities(
            b ->
                b.endpointName(parts[1])
                    .desiredWeightsAndCapacities(
                        w -> w.variantName(parts[3]).desiredInstanceCount(to)));
      }
    } catch (AwsServiceException e) {
      String message =
          e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
              ? e.awsErrorDetails().errorMessage()
              : e.getMessage();
      state.recordActivity(
          new Activity(
              nextUuid(),
              t.serviceNamespace(),
              t.resourceId(),
              t.scalableDimension(),
              description,
              cause,
              now,
              now,
              "Failed",
              message));
      return;
    }
    state.recordPolicyChange(
        new PolicyChange(t.resourceId(), t.scalableDimension(), p.policyName(), now, from, to));
    state.recordActivity(
        new Activity(
            nextUuid(),
            t.serviceNamespace(),
            t.resourceId(),
            t.scalableDimension(),
            description,
            cause,
            now,
            now,
            "Successful",
            "Successfully set desired "
                + unit
                + " to "
                + to
                + ". Change successfully fulfilled by sagemaker."));
  }

  /** Every activity in the order it was recorded (oldest first): what a simulator counts. */
  public synchronized List<Activity> activities() {
    return List.copyOf(state.activities());
  }

  /**
   * Appends a scaling activity, as AAS records one when it scales (native policy executions and
   * scheduled actions).
   */
  public synchronized void record(Activity activity) {
    state.recordActivity(activity);
  }

  /** Activities, newest first, as AAS lists them. Registering a target records none. */
  @Override
  public synchronized DescribeScalingActivitiesResponse describeScalingActivities(
      DescribeScalingActivitiesRequest r) {
    List<ScalingActivity> activities =
        state.activities().stream()
            .filter(
                a ->
                    r.serviceNamespaceAsString() == null
                        || a.serviceNamespace().equals(r.serviceNamespaceAsString()))
            .filter(a -> r.resourceId() == null || a.resourceId().equals(r.resourceId()))
            .filter(
                a ->
                    r.scalableDimensionAsString() == null
                        || a.scalableDimension().equals(r.scalableDimensionAsString()))
            .sorted(Comparator.comparing(Activity::startTime).reversed())
            .map(
                a ->
                    ScalingActivity.builder()
                        .activityId(a.activityId())
                        .serviceNamespace(a.serviceNamespace())
                        .resourceId(a.resourceId())
                        .scalableDimension(a.scalableDimension())
                        .description(a.description())
                        .cause(a.cause())
                        .startTime(a.startTime())
                        .endTime(a.endTime())
                        .statusCode(a.statusCode())
                        .statusMessage(a.statusMessage())
                        .build())
            .toList();
    return DescribeScalingActivitiesResponse.builder().scalingActivities(activities).build();
  }
}

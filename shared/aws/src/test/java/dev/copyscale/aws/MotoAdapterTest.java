package dev.copyscale.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.aws.apply.CapacityWriter;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.deploy.ScheduleWrites;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Phase;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.MotoServer;
import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalableTargetsRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalableTargetsResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalingPoliciesRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalingPoliciesResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeModelResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * copyscale's AWS adapter code (the requests of {@link Requests}, {@link CapacityWriter}, {@link
 * ScheduleWrites}, {@link DeployService}) against a real moto_server, for the APIs moto implements.
 * moto has no inference components; where copyscale's code reads one, see {@link
 * WithoutInferenceComponents}. What moto does differently from AWS is pinned in {@link MotoGaps},
 * so a moto upgrade that changes it shows up here.
 *
 * <p>The class runs its own moto_server and resets it before every test: the deploy tests need an
 * account without the endpoint the scaling tests create, and resetting the JVM's shared server
 * would pull other test classes' tables from under them.
 */
class MotoAdapterTest {
  static final YAMLMapper YAML = new YAMLMapper();
  static final String STACK = "copyscale-test";
  static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
  static final String SCHEDULE_TARGET =
      "arn:aws:lambda:us-east-1:123456789012:function:copyscale-test-scheduled-scaling:live";
  static final String SCHEDULER_ROLE = "arn:aws:iam::123456789012:role/copyscale-test-scheduler";
  static final String FAILED_EVENTS_QUEUE =
      "arn:aws:sqs:us-east-1:123456789012:copyscale-copyscale-test-failed-events";
  static final DeployConfig CONFIG =
      new DeployConfig(
          STACK,
          Optional.empty(),
          Optional.of(SCHEDULE_TARGET),
          Optional.of(SCHEDULER_ROLE),
          Optional.of(FAILED_EVENTS_QUEUE));

  /**
   * An instance type moto 5.2.1's CreateEndpointConfig accepts (its list predates ml.g5), of the
   * same 4-GPU shape.
   */
  static final String MOTO_KNOWN_INSTANCE_TYPE = "ml.g4dn.12xlarge";

  static MotoServer moto;
  static SageMakerClient sageMaker;
  static ApplicationAutoScalingClient autoScaling;
  static CloudWatchClient cloudWatch;
  static SchedulerClient scheduler;
  static EventBridgeClient eventBridge;
  static SecretsManagerClient secrets;

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
    URI endpoint = moto.endpoint();
    sageMaker = MotoClients.sageMaker(endpoint);
    autoScaling = MotoClients.autoScaling(endpoint);
    cloudWatch = MotoClients.cloudWatch(endpoint);
    scheduler = MotoClients.scheduler(endpoint);
    eventBridge = MotoClients.eventBridge(endpoint);
    secrets = MotoClients.secretsManager(endpoint);
  }

  @AfterAll
  static void stopMoto() {
    for (AutoCloseable c :
        new AutoCloseable[] {
          sageMaker, autoScaling, cloudWatch, scheduler, eventBridge, secrets, moto
        }) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // best effort
        }
      }
    }
  }

  @BeforeEach
  void resetMoto() {
    moto.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // 1. CloudWatch alarms of step policies
  // ---------------------------------------------------------------------------------------------

  @Nested
  class CloudWatchAlarms {
    static final String STEP_FUNCTION =
        "arn:aws:lambda:us-east-1:123456789012:function:copyscale-test-step-scaling:live";
    final DeploymentSpec spec =
        SpecParser.parse(RepoFiles.read("examples/llama3-8b-orchestrated.yaml")).orThrow();
    final ResourceNames names = ResourceNames.of(spec);

    @Test
    void eachStepPolicysAlarmIsStoredAsCopyscaleBuiltIt() {
      putAllAlarms();

      Map<String, MetricAlarm> alarms =
          alarmsByName(
              cloudWatch
                  .describeAlarmsPaginator(b -> b.alarmNamePrefix("copyscale-llama3-chat-"))
                  .metricAlarms());
      assertThat(alarms)
          .containsOnlyKeys(
              "copyscale-llama3-chat-burst",
              "copyscale-llama3-chat-idle",
              "copyscale-llama3-chat-from-zero");

      MetricAlarm burst = alarms.get("copyscale-llama3-chat-burst");
      assertThat(burst.namespace()).isEqualTo("AWS/SageMaker");
      assertThat(burst.metricName()).isEqualTo("ConcurrentRequestsPerCopy");
      assertThat(burst.dimensions())
          .extracting(d -> d.name(), d -> d.value())
          .containsExactly(tuple("InferenceComponentName", "llama3-chat-ic"));
      assertThat(burst.statisticAsString()).isEqualTo("Average");
      assertThat(burst.period()).isEqualTo(10);
      assertThat(burst.evaluationPeriods()).isEqualTo(2);
      assertThat(burst.datapointsToAlarm()).isEqualTo(1);
      assertThat(burst.threshold()).isEqualTo(8.0);
      assertThat(burst.comparisonOperatorAsString()).isEqualTo("GreaterThanOrEqualToThreshold");
      assertThat(burst.treatMissingData()).isEqualTo("missing");
      assertThat(burst.alarmActions()).containsExactly(STEP_FUNCTION);
      assertThat(burst.alarmDescription()).isEqualTo("copyscale llama3-chat: step policy burst");

      MetricAlarm idle = alarms.get("copyscale-llama3-chat-idle");
      assertThat(idle.metricName()).isEqualTo("ConcurrentRequestsPerCopy");
      assertThat(idle.period()).isEqualTo(60);
      assertThat(idle.evaluationPeriods()).isEqualTo(30);
      assertThat(idle.datapointsToAlarm()).isEqualTo(30);
      assertThat(idle.threshold()).isEqualTo(1.0);
      assertThat(idle.comparisonOperatorAsString()).isEqualTo("LessThanThreshold");
      assertThat(idle.treatMissingData()).isEqualTo("notBreaching");

      MetricAlarm fromZero = alarms.get("copyscale-llama3-chat-from-zero");
      assertThat(fromZero.namespace()).isEqualTo("AWS/SageMaker");
      assertThat(fromZero.metricName()).isEqualTo("NoCapacityInvocationFailures");
      assertThat(fromZero.dimensions())
          .extracting(d -> d.name(), d -> d.value())
          .containsExactly(tuple("InferenceComponentName", "llama3-chat-ic"));
      assertThat(fromZero.statisticAsString()).isEqualTo("Maximum");
      assertThat(fromZero.period()).isEqualTo(60);
      assertThat(fromZero.evaluationPeriods()).isEqualTo(1);
      assertThat(fromZero.datapointsToAlarm()).as("defaults to evaluationPeriods").isEqualTo(1);
      assertThat(fromZero.threshold()).isEqualTo(1.0);
      assertThat(fromZero.comparisonOperatorAsString()).isEqualTo("GreaterThanOrEqualToThreshold");
      assertThat(fromZero.alarmActions()).containsExactly(STEP_FUNCTION);
    }

    @Test
    void putAgainUpdatesTheAlarmInPlace() {
      putAllAlarms();
      StepPolicy burst = policy(spec, "burst");
      cloudWatch.putMetricAlarm(Requests.alarm(spec, names, burst, List.of()));

      List<MetricAlarm> alarms =
          cloudWatch
              .describeAlarms(b -> b.alarmNames("copyscale-llama3-chat-burst"))
              .metricAlarms();
      assertThat(alarms).hasSize(1);
      assertThat(alarms.get(0).alarmActions())
          .as("an orchestrated alarm without actions (deploy's PutAlarm)")
          .isEmpty();
    }

    /**
     * AlarmService.tick() asks DescribeAlarms for the deployment's alarms in ALARM and rebuilds an
     * alarm event from state value, reason, reason data and timestamp.
     */
    @Test
    void anAlarmSetToAlarmIsFoundInAlarmWithItsReasonData() throws IOException {
      putAllAlarms();
      String reasonData =
          "{\"version\":\"1.0\",\"queryDate\":\"2025-01-06T09:00:20.000+0000\",\"startDate\":\"2025-01-06T09:00:00.000+0000\","
              + "\"statistic\":\"Average\",\"period\":10,\"recentDatapoints\":[9.5,12.0],\"threshold\":8.0,\"evaluatedDatapoints\":[]}";
      cloudWatch.setAlarmState(
          b ->
              b.alarmName("copyscale-llama3-chat-burst")
                  .stateValue(StateValue.ALARM)
                  .stateReason("Threshold Crossed: 2 datapoints [9.5, 12.0] >= 8.0")
                  .stateReasonData(reasonData));

      // The query AlarmService.tick() makes.
      List<MetricAlarm> tickQuery =
          cloudWatch
              .describeAlarmsPaginator(
                  b -> b.alarmNamePrefix("copyscale-llama3-chat-").stateValue(StateValue.ALARM))
              .metricAlarms()
              .stream()
              .toList();
      MetricAlarm burst = alarmsByName(tickQuery).get("copyscale-llama3-chat-burst");
      assertThat(burst).as("tick's query finds the alarm in ALARM").isNotNull();
      assertThat(burst.stateValue()).isEqualTo(StateValue.ALARM);
      assertThat(burst.stateReason())
          .isEqualTo("Threshold Crossed: 2 datapoints [9.5, 12.0] >= 8.0");
      assertThat(burst.stateUpdatedTimestamp()).as("tick reads it unconditionally").isNotNull();
      assertThat(burst.alarmArn())
          .isEqualTo("arn:aws:cloudwatch:us-east-1:123456789012:alarm:copyscale-llama3-chat-burst");
      // moto re-serializes the reason data (", " separators): equal as JSON, not as text.
      assertThat(Json.mapper().readTree(burst.stateReasonData()))
          .isEqualTo(Json.mapper().readTree(reasonData));
      assertThat(Json.mapper().readTree(burst.stateReasonData()).get("recentDatapoints").toString())
          .isEqualTo("[9.5,12.0]");

      // The state filter alone selects exactly the one alarm in ALARM (with a name prefix, moto
      // ignores it: see MotoGaps).
      assertThat(cloudWatch.describeAlarms(b -> b.stateValue(StateValue.ALARM)).metricAlarms())
          .extracting(MetricAlarm::alarmName)
          .containsExactly("copyscale-llama3-chat-burst");
    }

    private void putAllAlarms() {
      assertThat(spec.scaling().stepPolicies()).hasSize(3);
      for (StepPolicy p : spec.scaling().stepPolicies()) {
        cloudWatch.putMetricAlarm(Requests.alarm(spec, names, p, List.of(STEP_FUNCTION)));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Application Auto Scaling on sagemaker:variant:DesiredInstanceCount
  // ---------------------------------------------------------------------------------------------

  @Nested
  class AutoScalingOnVariant {
    final DeploymentSpec spec = instancesSpec();
    final ResourceNames names = ResourceNames.of(spec);

    /** Steps with an open upper bound (burst) and an open lower bound (idle). */
    final StepPolicy burst =
        policy(SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow(), "burst");

    final StepPolicy idle =
        policy(
            SpecParser.parse(RepoFiles.read("examples/llama3-8b-orchestrated.yaml")).orThrow(),
            "idle");

    @Test
    void registersTheVariantAndPutsTargetTrackingAndStepPolicies() {
      createVariantEndpoint(spec);
      assertThat(names.scalableResourceId()).isEqualTo("endpoint/llama3-chat/variant/AllTraffic");

      autoScaling.registerScalableTarget(Requests.registerTarget(names, 1, 3));
      autoScaling.putScalingPolicy(
          Requests.targetTracking(names, spec.scaling().targetTracking().orElseThrow()));
      String burstArn = autoScaling.putScalingPolicy(Requests.stepPolicy(names, burst)).policyARN();
      autoScaling.putScalingPolicy(Requests.stepPolicy(names, idle));

      ScalableTarget target = onlyTarget();
      assertThat(target.serviceNamespace()).isEqualTo(ServiceNamespace.SAGEMAKER);
      assertThat(target.resourceId()).isEqualTo("endpoint/llama3-chat/variant/AllTraffic");
      assertThat(target.scalableDimensionAsString())
          .isEqualTo("sagemaker:variant:DesiredInstanceCount");
      assertThat(target.minCapacity()).isEqualTo(1);
      assertThat(target.maxCapacity()).isEqualTo(3);

      Map<String, ScalingPolicy> policies = policies();
      assertThat(policies)
          .containsOnlyKeys(
              "copyscale-llama3-chat-target-tracking",
              "copyscale-llama3-chat-burst",
              "copyscale-llama3-chat-idle");

      ScalingPolicy tracking = policies.get("copyscale-llama3-chat-target-tracking");
      assertThat(tracking.policyTypeAsString()).isEqualTo("TargetTrackingScaling");
      assertThat(tracking.resourceId()).isEqualTo("endpoint/llama3-chat/variant/AllTraffic");
      assertThat(tracking.scalableDimensionAsString())
          .isEqualTo("sagemaker:variant:DesiredInstanceCount");
      TargetTrackingScalingPolicyConfiguration tt =
          tracking.targetTrackingScalingPolicyConfiguration();
      assertThat(tt.targetValue()).isEqualTo(20.0);
      assertThat(tt.predefinedMetricSpecification().predefinedMetricTypeAsString())
          .isEqualTo("SageMakerVariantInvocationsPerInstance");
      assertThat(tt.scaleOutCooldown()).as("the spec parser's default").isEqualTo(300);
      assertThat(tt.scaleInCooldown())
          .isEqualTo(spec.scaling().targetTracking().orElseThrow().scaleInCooldownSeconds());
      assertThat(tt.disableScaleIn()).isFalse();

      ScalingPolicy burstPolicy = policies.get("copyscale-llama3-chat-burst");
      assertThat(burstPolicy.policyARN())
          .isEqualTo(burstArn)
          .contains("policyName/copyscale-llama3-chat-burst");
      assertThat(burstPolicy.policyTypeAsString()).isEqualTo("StepScaling");
      assertThat(burstPolicy.stepScalingPolicyConfiguration().adjustmentTypeAsString())
          .isEqualTo("ChangeInCapacity");
      assertThat(burstPolicy.stepScalingPolicyConfiguration().cooldown()).isEqualTo(60);
      assertThat(burstPolicy.stepScalingPolicyConfiguration().metricAggregationTypeAsString())
          .isEqualTo("Average");
      assertThat(burstPolicy.stepScalingPolicyConfiguration().stepAdjustments())
          .extracting(
              StepAdjustment::metricIntervalLowerBound,
              StepAdjustment::metricIntervalUpperBound,
              StepAdjustment::scalingAdjustment)
          .containsExactly(tuple(0.0, 8.0, 1), tuple(8.0, null, 4));

      ScalingPolicy idlePolicy = policies.get("copyscale-llama3-chat-idle");
      assertThat(idlePolicy.stepScalingPolicyConfiguration().cooldown()).isEqualTo(300);
      assertThat(idlePolicy.stepScalingPolicyConfiguration().stepAdjustments())
          .extracting(
              StepAdjustment::metricIntervalLowerBound,
              StepAdjustment::metricIntervalUpperBound,
              StepAdjustment::scalingAdjustment)
          .containsExactly(tuple(null, 0.0, -1));
    }

    @Test
    void registeringAgainWithOtherBoundsUpdatesTheTarget() {
      createVariantEndpoint(spec);
      autoScaling.registerScalableTarget(Requests.registerTarget(names, 1, 3));
      autoScaling.registerScalableTarget(Requests.registerTarget(names, 2, 5));

      ScalableTarget target = onlyTarget();
      assertThat(target.minCapacity()).isEqualTo(2);
      assertThat(target.maxCapacity()).isEqualTo(5);
    }

    @Test
    void deregisteringRemovesTheTarget() {
      createVariantEndpoint(spec);
      autoScaling.registerScalableTarget(Requests.registerTarget(names, 1, 3));
      autoScaling.putScalingPolicy(
          Requests.targetTracking(names, spec.scaling().targetTracking().orElseThrow()));

      autoScaling.deregisterScalableTarget(
          b ->
              b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                  .resourceId(names.scalableResourceId())
                  .scalableDimension(names.scalableDimension()));

      assertThat(targets()).isEmpty();
      // AWS deletes the target's policies with it; moto 5.2.1 keeps them (MotoGaps pins that).
    }

    private ScalableTarget onlyTarget() {
      List<ScalableTarget> targets = targets();
      assertThat(targets).hasSize(1);
      return targets.get(0);
    }

    private List<ScalableTarget> targets() {
      return autoScaling
          .describeScalableTargets(
              b ->
                  b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                      .resourceIds(names.scalableResourceId())
                      .scalableDimension(names.scalableDimension()))
          .scalableTargets();
    }

    private Map<String, ScalingPolicy> policies() {
      return autoScaling
          .describeScalingPolicies(
              b ->
                  b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                      .resourceId(names.scalableResourceId())
                      .scalableDimension(names.scalableDimension()))
          .scalingPolicies()
          .stream()
          .collect(Collectors.toMap(ScalingPolicy::policyName, p -> p));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. The variant's instance count, written by CapacityWriter
  // ---------------------------------------------------------------------------------------------

  @Nested
  class EndpointCapacity {
    final DeploymentSpec spec = instancesSpec();
    final List<Duration> pauses = new ArrayList<>();
    final CapacityWriter writer =
        new CapacityWriter(
            Clients.of(sageMaker, autoScaling, cloudWatch, eventBridge, null, null, null),
            pauses::add);

    @Test
    void writeSetsTheVariantsDesiredInstanceCount() {
      createVariantEndpoint(spec);
      assertThat(variant().desiredInstanceCount()).isEqualTo(1);

      writer.write(spec, new Convergence.SetInstances(3));

      ProductionVariantSummary up = variant();
      assertThat(up.desiredInstanceCount()).isEqualTo(3);
      // moto applies the change at once (AWS reports Updating and raises CurrentInstanceCount
      // later).
      assertThat(up.currentInstanceCount()).isEqualTo(3);

      writer.write(spec, new Convergence.SetInstances(2));
      assertThat(variant().desiredInstanceCount()).isEqualTo(2);
      assertThat(pauses).as("nothing to retry").isEmpty();
    }

    @Test
    void aMissingEndpointIsAValidationErrorThatIsNotRetried() {
      assertThatThrownBy(() -> writer.write(spec, new Convergence.SetInstances(3)))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                assertThat(e.awsErrorDetails().errorMessage())
                    .contains("Could not find endpoint")
                    .contains("endpoint/llama3-chat");
              });
      assertThat(pauses).isEmpty();
    }

    private ProductionVariantSummary variant() {
      DescribeEndpointResponse endpoint =
          sageMaker.describeEndpoint(b -> b.endpointName("llama3-chat"));
      assertThat(endpoint.productionVariants())
          .extracting(ProductionVariantSummary::variantName)
          .containsExactly("AllTraffic");
      return endpoint.productionVariants().get(0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 4. EventBridge Scheduler schedules
  // ---------------------------------------------------------------------------------------------

  @Nested
  class SchedulerSchedules {
    static final String GROUP = "copyscale-llama3-chat";
    final ScheduleWrites writes = new ScheduleWrites(scheduler, CONFIG);

    @Test
    void putCreatesTheGroupAndBothSchedules() throws IOException {
      DeploymentSpec spec = SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
      spec.scaling().schedules().forEach(s -> writes.put(spec, s));

      String groupArn = scheduler.getScheduleGroup(b -> b.name(GROUP)).arn();
      assertThat(groupArn)
          .isEqualTo("arn:aws:scheduler:us-east-1:123456789012:schedule-group/" + GROUP);
      assertThat(scheduler.listTagsForResource(b -> b.resourceArn(groupArn)).tags())
          .extracting(t -> t.key(), t -> t.value())
          .containsExactlyInAnyOrder(
              tuple("copyscale:stack", STACK), tuple("copyscale:deployment", "llama3-chat"));
      assertThat(scheduler.listSchedules(b -> b.groupName(GROUP)).schedules())
          .extracting(s -> s.name())
          .containsExactlyInAnyOrder("business-hours", "nights");

      GetScheduleResponse business =
          scheduler.getSchedule(b -> b.groupName(GROUP).name("business-hours"));
      assertThat(business.scheduleExpression()).isEqualTo("cron(0 8 ? * MON-FRI *)");
      assertThat(business.scheduleExpressionTimezone()).isEqualTo("Europe/Berlin");
      assertThat(business.flexibleTimeWindow().modeAsString()).isEqualTo("OFF");
      assertThat(business.stateAsString()).isEqualTo("ENABLED");
      assertThat(business.description()).isEqualTo("copyscale llama3-chat: bounds [4, 8]");
      assertThat(business.target().arn()).isEqualTo(SCHEDULE_TARGET);
      assertThat(business.target().roleArn()).isEqualTo(SCHEDULER_ROLE);
      // A firing Scheduler cannot deliver: 2 retries within 5 minutes, then the stack's
      // failed-events queue.
      assertThat(business.target().deadLetterConfig().arn()).isEqualTo(FAILED_EVENTS_QUEUE);
      assertThat(business.target().retryPolicy().maximumRetryAttempts()).isEqualTo(2);
      assertThat(business.target().retryPolicy().maximumEventAgeInSeconds()).isEqualTo(300);
      assertThat(Json.mapper().readTree(business.target().input()))
          .isEqualTo(
              Json.mapper()
                  .readTree("{\"deployment\":\"llama3-chat\",\"schedule\":\"business-hours\"}"));

      GetScheduleResponse nights = scheduler.getSchedule(b -> b.groupName(GROUP).name("nights"));
      assertThat(nights.scheduleExpression()).isEqualTo("cron(0 20 ? * * *)");
      assertThat(nights.scheduleExpressionTimezone()).isEqualTo("Europe/Berlin");
      assertThat(nights.description()).isEqualTo("copyscale llama3-chat: bounds [0, 2]");
      assertThat(Json.mapper().readTree(nights.target().input()))
          .isEqualTo(
              Json.mapper().readTree("{\"schedule\":\"nights\",\"deployment\":\"llama3-chat\"}"));
    }

    /**
     * Outside a stack (no FAILED_EVENTS_QUEUE_ARN) a schedule has no dead-letter queue, but the
     * same retries.
     */
    @Test
    void withoutAQueueTheScheduleRetriesButHasNoDeadLetterQueue() {
      DeploymentSpec spec = SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
      DeployConfig noQueue =
          new DeployConfig(
              STACK,
              Optional.empty(),
              Optional.of(SCHEDULE_TARGET),
              Optional.of(SCHEDULER_ROLE),
              Optional.empty());
      new ScheduleWrites(scheduler, noQueue).put(spec, spec.scaling().schedules().get(0));

      GetScheduleResponse business =
          scheduler.getSchedule(b -> b.groupName(GROUP).name("business-hours"));
      assertThat(business.target().deadLetterConfig()).isNull();
      assertThat(business.target().retryPolicy().maximumRetryAttempts()).isEqualTo(2);
      assertThat(business.target().retryPolicy().maximumEventAgeInSeconds()).isEqualTo(300);
    }

    @Test
    void putAgainUpdatesTheScheduleInsteadOfFailing() {
      DeploymentSpec spec = SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
      spec.scaling().schedules().forEach(s -> writes.put(spec, s));
      spec.scaling()
          .schedules()
          .forEach(s -> writes.put(spec, s)); // unchanged: an update, not ScheduleExists

      ObjectNode tree = example("llama3-8b.yaml");
      ObjectNode business = (ObjectNode) tree.at("/scaling/schedules/0");
      business
          .put("cron", "30 7 ? * MON-FRI *")
          .put("timezone", "Europe/London")
          .put("minCopies", 3);
      DeploymentSpec changed = SpecParser.parse(tree).orThrow();
      writes.put(changed, changed.scaling().schedules().get(0));

      GetScheduleResponse updated =
          scheduler.getSchedule(b -> b.groupName(GROUP).name("business-hours"));
      assertThat(updated.scheduleExpression()).isEqualTo("cron(30 7 ? * MON-FRI *)");
      // UpdateSchedule replaces the whole target: the dead-letter queue and retry policy are sent
      // again.
      assertThat(updated.target().deadLetterConfig().arn()).isEqualTo(FAILED_EVENTS_QUEUE);
      assertThat(updated.target().retryPolicy().maximumRetryAttempts()).isEqualTo(2);
      assertThat(updated.scheduleExpressionTimezone()).isEqualTo("Europe/London");
      assertThat(updated.description()).isEqualTo("copyscale llama3-chat: bounds [3, 8]");
      assertThat(scheduler.listSchedules(b -> b.groupName(GROUP)).schedules()).hasSize(2);
      assertThat(scheduler.listScheduleGroups(b -> b.namePrefix(GROUP)).scheduleGroups())
          .extracting(g -> g.name())
          .containsExactly(GROUP);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Scaling Activity events on EventBridge
  // ---------------------------------------------------------------------------------------------

  @Nested
  class ScalingEvents {
    static final String DEFAULT_BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default";
    final LedgerEntry entry =
        new LedgerEntry(
            "llama3-chat",
            Instant.parse("2025-01-06T09:00:20Z"),
            "evt-1",
            Source.ALARM,
            "copyscale-llama3-chat-burst",
            "ALARM",
            Optional.of(9.5),
            Optional.of(8.0),
            Optional.of("burst"),
            Optional.of(0),
            4,
            5,
            List.of(),
            Outcome.SCALED,
            "step [0, 8): +1");

    /**
     * An archive on the default bus counts the events its pattern matches: the delivered event is
     * checked field by field.
     */
    @Test
    void publishPutsTheScalingActivityEventOnTheDefaultBus() {
      eventBridge.createArchive(
          b ->
              b.archiveName("copyscale-activity")
                  .eventSourceArn(DEFAULT_BUS)
                  .eventPattern(
                      "{\"source\":[\"copyscale\"],\"detail-type\":[\"Scaling"
                          + " Activity\"],\"detail\":{\"deployment\":[\"llama3-chat\"],"
                          + "\"trigger\":[\"copyscale-llama3-chat-burst\"],\"from\":[4],\"to\":[5],\"outcome\":[\"SCALED\"],\"time\":[\"2025-01-06T09:00:20Z\"]}}"));
      eventBridge.createArchive(
          b ->
              b.archiveName("other-target")
                  .eventSourceArn(DEFAULT_BUS)
                  .eventPattern("{\"source\":[\"copyscale\"],\"detail\":{\"to\":[6]}}"));

      assertThat(writer().publish(entry)).isEmpty();

      assertThat(eventBridge.describeArchive(b -> b.archiveName("copyscale-activity")).eventCount())
          .isEqualTo(1);
      assertThat(eventBridge.describeArchive(b -> b.archiveName("other-target")).eventCount())
          .as("the pattern really filters")
          .isZero();
    }

    @Test
    void publishReportsAFailureInsteadOfThrowing() {
      try (EventBridgeClient nowhere =
          MotoClients.eventBridge(URI.create("http://127.0.0.1:" + closedPort()))) {
        CapacityWriter writer =
            new CapacityWriter(
                Clients.of(sageMaker, autoScaling, cloudWatch, nowhere, null, null, null), d -> {});
        assertThat(writer.publish(entry))
            .hasValueSatisfying(
                message ->
                    assertThat(message)
                        .startsWith("publishing the Scaling Activity event failed: "));
      }
    }

    private CapacityWriter writer() {
      return new CapacityWriter(
          Clients.of(sageMaker, autoScaling, cloudWatch, eventBridge, null, null, null), d -> {});
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 6. The deploy service's first reconcile steps
  // ---------------------------------------------------------------------------------------------

  @Nested
  class DeployFirstSteps {
    static final String TOKEN = "hf_moto_test_token_0123456789";
    final InMemoryStateStore store = new InMemoryStateStore();
    final DeployService deploy =
        new Services(
                Clients.of(
                    WithoutInferenceComponents.sageMaker(sageMaker),
                    WithoutInferenceComponents.autoScaling(autoScaling),
                    cloudWatch,
                    null,
                    secrets,
                    scheduler,
                    null),
                store,
                Clock.systemUTC(),
                dev.copyscale.aws.calls.Pause.SLEEP,
                CONFIG,
                java.time.Duration.ofDays(30))
            .deploy();

    @BeforeEach
    void createTheTokenSecret() {
      String arn = secrets.createSecret(b -> b.name("hf-token").secretString(TOKEN)).arn();
      // moto appends a random suffix, as AWS does; it resolves the spec's suffix-less ARN as AWS
      // does too.
      assertThat(arn)
          .startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-")
          .hasSize("arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-".length() + 6);
    }

    /**
     * The example as it is: the model is created with the token; moto 5.2.1 refuses the endpoint
     * config because its instance-type list predates ml.g5, and the deploy reports that error.
     */
    @Test
    void createsTheModelAndReportsMotosRefusalOfTheEndpointConfig() {
      ObjectNode tree = example("llama3-8b.yaml");
      DeploymentSpec spec = SpecParser.parse(tree).orThrow();
      ResourceNames names = ResourceNames.of(spec);
      assertThat(spec.component().hfTokenSecretArn())
          .contains("arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token");

      DeployResult result = deploy.submit(tree);

      assertThat(result.actions()).containsExactly("CreateModel " + names.model());
      assertThat(result.phase()).isEqualTo(Phase.Failed);
      assertThat(result.error())
          .hasValueSatisfying(
              error ->
                  assertThat(error)
                      .startsWith("SageMaker ValidationException: ")
                      .contains("'ml.g5.12xlarge' at 'instanceType'")
                      .doesNotContain("will retry"));
      assertThat(result.observed().endpointStatus()).isEmpty();
      DeploymentRecord record = store.deployment("llama3-chat").orElseThrow();
      assertThat(record.phase()).isEqualTo(Phase.Failed);
      assertThat(record.lastActions()).containsExactly("CreateModel " + names.model());

      assertModelAsCopyscaleCreatesIt(spec, names);
      assertThat(
              sageMaker.listEndpointConfigs(b -> b.nameContains("llama3-chat")).endpointConfigs())
          .isEmpty();
    }

    /**
     * With an instance type moto knows, CreateEndpointConfig gets as far as the variant's model:
     * copyscale's inference-component variant has none (real IC endpoint configs never do), and
     * moto 5.2.1 fails with HTTP 500 (a KeyError on ModelName, an HTML body, so no error code)
     * instead of a validation error. The deploy keeps the model, reports the status and, as for any
     * 5xx, retries on the next reconcile.
     */
    @Test
    void aVariantWithoutModelNameIsAServerErrorInMotoThatTheDeployReports() {
      ObjectNode tree = example("llama3-8b.yaml");
      ((ObjectNode) tree.get("endpoint")).put("instanceType", MOTO_KNOWN_INSTANCE_TYPE);
      DeploymentSpec spec = SpecParser.parse(tree).orThrow();
      ResourceNames names = ResourceNames.of(spec);

      DeployResult result = deploy.submit(tree);

      assertThat(result.actions()).containsExactly("CreateModel " + names.model());
      assertThat(result.phase()).as("a 5xx is retried, not a failure").isEqualTo(Phase.Creating);
      assertThat(result.error())
          .hasValueSatisfying(
              error ->
                  assertThat(error)
                      .startsWith("SageMaker ")
                      .contains("HTTP status code 500")
                      .endsWith("(will retry on the next reconcile)"));
      assertModelAsCopyscaleCreatesIt(spec, names);
      assertThat(
              sageMaker.listEndpointConfigs(b -> b.nameContains("llama3-chat")).endpointConfigs())
          .isEmpty();
    }

    /**
     * copyscale's endpoint config request, with the one field moto insists on added (a ModelName on
     * the variant, which real inference-component configs have none of), is stored as sent: the
     * variant's type, count, managed instance scaling and routing, and the tags. moto drops the
     * config's ExecutionRoleArn (MotoGaps).
     */
    @Test
    void theEndpointConfigRequestIsStoredAsSentOnceTheVariantNamesAModel() {
      ObjectNode tree = example("llama3-8b.yaml");
      ((ObjectNode) tree.get("endpoint")).put("instanceType", MOTO_KNOWN_INSTANCE_TYPE);
      DeploymentSpec spec = SpecParser.parse(tree).orThrow();
      ResourceNames names = ResourceNames.of(spec);
      sageMaker.createModel(Requests.createModel(spec, names, Optional.of(TOKEN), STACK));

      CreateEndpointConfigRequest request = Requests.createEndpointConfig(spec, names, STACK);
      assertThat(request.executionRoleArn()).isEqualTo(ROLE);
      assertThat(request.productionVariants()).hasSize(1);
      assertThat(request.productionVariants().get(0).modelName())
          .as("an inference-component variant names no model")
          .isNull();
      String configArn =
          sageMaker
              .createEndpointConfig(
                  request.toBuilder()
                      .productionVariants(
                          request.productionVariants().get(0).toBuilder()
                              .modelName(names.model())
                              .build())
                      .build())
              .endpointConfigArn();

      DescribeEndpointConfigResponse config =
          sageMaker.describeEndpointConfig(b -> b.endpointConfigName(names.endpointConfig()));
      ProductionVariant variant = config.productionVariants().get(0);
      assertThat(variant.variantName()).isEqualTo("AllTraffic");
      assertThat(variant.instanceTypeAsString()).isEqualTo(MOTO_KNOWN_INSTANCE_TYPE);
      assertThat(variant.initialInstanceCount()).isEqualTo(1);
      assertThat(variant.managedInstanceScaling().statusAsString()).isEqualTo("ENABLED");
      assertThat(variant.managedInstanceScaling().minInstanceCount()).isEqualTo(1);
      assertThat(variant.managedInstanceScaling().maxInstanceCount()).isEqualTo(2);
      assertThat(variant.routingConfig().routingStrategyAsString())
          .isEqualTo("LEAST_OUTSTANDING_REQUESTS");
      assertThat(sageMaker.listTags(b -> b.resourceArn(configArn)).tags())
          .extracting(t -> t.key(), t -> t.value())
          .containsExactlyInAnyOrder(
              tuple("copyscale:stack", STACK), tuple("copyscale:deployment", "llama3-chat"));
    }

    /** The production path: weights from an S3 prefix, no token anywhere in the model. */
    @Test
    void aModelWithWeightsFromS3IsAcceptedAndCarriesNoToken() {
      ObjectNode tree = example("llama3-8b.yaml");
      ((ObjectNode) tree.get("component")).remove("hfTokenSecretArn");
      ((ObjectNode) tree.get("component"))
          .put("modelDataS3Uri", "s3://my-models/llama3-8b-instruct/");
      DeploymentSpec spec = SpecParser.parse(tree).orThrow();
      ResourceNames names = ResourceNames.of(spec);
      sageMaker.createModel(Requests.createModel(spec, names, Optional.empty(), STACK));

      ContainerDefinition container =
          sageMaker.describeModel(b -> b.modelName(names.model())).primaryContainer();
      assertThat(container.environment())
          .containsEntry("HF_MODEL_ID", "/opt/ml/model")
          .doesNotContainKeys("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
      assertThat(container.modelDataSource().s3DataSource().s3Uri())
          .isEqualTo("s3://my-models/llama3-8b-instruct/");
      assertThat(container.modelDataSource().s3DataSource().s3DataTypeAsString())
          .isEqualTo("S3Prefix");
      assertThat(container.modelDataSource().s3DataSource().compressionTypeAsString())
          .isEqualTo("None");
    }

    private void assertModelAsCopyscaleCreatesIt(DeploymentSpec spec, ResourceNames names) {
      DescribeModelResponse model = sageMaker.describeModel(b -> b.modelName(names.model()));
      assertThat(model.executionRoleArn()).isEqualTo(ROLE);
      ContainerDefinition container = model.primaryContainer();
      assertThat(container.image()).isEqualTo(spec.component().image());
      assertThat(container.environment())
          .containsEntry("HF_MODEL_ID", "meta-llama/Meta-Llama-3-8B-Instruct")
          .containsEntry("HF_TOKEN", TOKEN)
          .containsEntry("HUGGING_FACE_HUB_TOKEN", TOKEN)
          .containsEntry("SM_NUM_GPUS", "1")
          .containsEntry("MAX_INPUT_LENGTH", "2048")
          .containsEntry("MAX_TOTAL_TOKENS", "4096")
          .containsEntry("MAX_BATCH_TOTAL_TOKENS", "8192")
          .hasSize(7);
      assertThat(sageMaker.listTags(b -> b.resourceArn(model.modelArn())).tags())
          .extracting(t -> t.key(), t -> t.value())
          .containsExactlyInAnyOrder(
              tuple("copyscale:stack", STACK), tuple("copyscale:deployment", "llama3-chat"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What moto 5.2.1 does differently from AWS. A failure here after a moto upgrade means the
  // workaround above (or the comment next to it) can go.
  // ---------------------------------------------------------------------------------------------

  @Nested
  class MotoGaps {
    @Test
    void describeInferenceComponentIsNotImplemented() {
      assertThatThrownBy(
              () ->
                  sageMaker.describeInferenceComponent(
                      b -> b.inferenceComponentName("llama3-chat-ic")))
          .isInstanceOfSatisfying(
              SageMakerException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    }

    @Test
    void theInferenceComponentScalableDimensionIsRejected() {
      assertThatThrownBy(
              () ->
                  autoScaling.describeScalableTargets(
                      b ->
                          b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                              .resourceIds("inference-component/llama3-chat-ic")
                              .scalableDimension(ResourceNames.COPY_DIMENSION)))
          .isInstanceOfSatisfying(
              AwsServiceException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                assertThat(e.awsErrorDetails().errorMessage()).contains("scalableDimension");
              });
    }

    /**
     * AWS filters by both; AlarmService.tick() relies on that, so against moto it would see alarms
     * that are not in ALARM.
     */
    @Test
    void describeAlarmsIgnoresStateValueWhenGivenANamePrefix() {
      DeploymentSpec spec =
          SpecParser.parse(RepoFiles.read("examples/llama3-8b-orchestrated.yaml")).orThrow();
      ResourceNames names = ResourceNames.of(spec);
      spec.scaling()
          .stepPolicies()
          .forEach(p -> cloudWatch.putMetricAlarm(Requests.alarm(spec, names, p, List.of())));
      cloudWatch.setAlarmState(
          b ->
              b.alarmName("copyscale-llama3-chat-burst")
                  .stateValue(StateValue.ALARM)
                  .stateReason("test"));

      List<MetricAlarm> answered =
          cloudWatch
              .describeAlarms(
                  b -> b.alarmNamePrefix("copyscale-llama3-chat-").stateValue(StateValue.ALARM))
              .metricAlarms();
      assertThat(answered)
          .extracting(MetricAlarm::alarmName)
          .containsExactlyInAnyOrder(
              "copyscale-llama3-chat-burst",
              "copyscale-llama3-chat-idle",
              "copyscale-llama3-chat-from-zero");
      assertThat(answered).filteredOn(a -> a.stateValue() != StateValue.ALARM).isNotEmpty();
    }

    /**
     * AWS: "Deregistering a scalable target deletes the scaling policies that are associated with
     * it."
     */
    @Test
    void deregisteringATargetKeepsItsPolicies() {
      DeploymentSpec spec = instancesSpec();
      ResourceNames names = ResourceNames.of(spec);
      autoScaling.registerScalableTarget(Requests.registerTarget(names, 1, 3));
      autoScaling.putScalingPolicy(
          Requests.targetTracking(names, spec.scaling().targetTracking().orElseThrow()));
      autoScaling.deregisterScalableTarget(
          b ->
              b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                  .resourceId(names.scalableResourceId())
                  .scalableDimension(names.scalableDimension()));

      assertThat(
              autoScaling
                  .describeScalingPolicies(
                      b ->
                          b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                              .resourceId(names.scalableResourceId())
                              .scalableDimension(names.scalableDimension()))
                  .scalingPolicies())
          .extracting(ScalingPolicy::policyName)
          .containsExactly("copyscale-llama3-chat-target-tracking");
    }

    /**
     * moto registers a SageMaker variant target without checking that the endpoint exists (AWS
     * validates the resource).
     */
    @Test
    void aScalableTargetNeedsNoEndpoint() {
      ResourceNames names = ResourceNames.of(instancesSpec());
      autoScaling.registerScalableTarget(Requests.registerTarget(names, 1, 3));
      assertThat(
              autoScaling
                  .describeScalableTargets(b -> b.serviceNamespace(ServiceNamespace.SAGEMAKER))
                  .scalableTargets())
          .extracting(ScalableTarget::resourceId)
          .containsExactly("endpoint/llama3-chat/variant/AllTraffic");
    }

    @Test
    void theEndpointConfigDropsItsExecutionRole() {
      ObjectNode tree = example("llama3-8b.yaml");
      ((ObjectNode) tree.get("endpoint")).put("instanceType", MOTO_KNOWN_INSTANCE_TYPE);
      DeploymentSpec spec = SpecParser.parse(tree).orThrow();
      ResourceNames names = ResourceNames.of(spec);
      sageMaker.createModel(Requests.createModel(spec, names, Optional.empty(), STACK));
      CreateEndpointConfigRequest request = Requests.createEndpointConfig(spec, names, STACK);
      sageMaker.createEndpointConfig(
          request.toBuilder()
              .productionVariants(
                  request.productionVariants().get(0).toBuilder().modelName(names.model()).build())
              .build());

      assertThat(request.executionRoleArn()).isEqualTo(ROLE);
      assertThat(
              sageMaker
                  .describeEndpointConfig(b -> b.endpointConfigName(names.endpointConfig()))
                  .executionRoleArn())
          .isNull();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  static ObjectNode example(String file) {
    try {
      return (ObjectNode) YAML.readTree(RepoFiles.read("examples/" + file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * examples/llama3-8b.yaml with copyscale scaling the variant's instances: managed instance
   * scaling off, target tracking on invocations per instance, no step policies or schedules.
   */
  static DeploymentSpec instancesSpec() {
    ObjectNode tree = example("llama3-8b.yaml");
    ((ObjectNode) tree.at("/endpoint/managedInstanceScaling")).put("enabled", false);
    ObjectNode scaling = tree.putObject("scaling");
    scaling
        .put("dimension", "instances")
        .put("minInstances", 1)
        .put("maxInstances", 3)
        .put("engine", "native");
    scaling
        .putObject("targetTracking")
        .put("metric", "SageMakerVariantInvocationsPerInstance")
        .put("target", 20);
    DeploymentSpec spec = SpecParser.parse(tree).orThrow();
    assertThat(spec.scaling().dimension()).isEqualTo(DeploymentSpec.Dimension.INSTANCES);
    assertThat(spec.scaling().stepPolicies()).isEmpty();
    assertThat(spec.scaling().schedules()).isEmpty();
    return spec;
  }

  static StepPolicy policy(DeploymentSpec spec, String name) {
    return spec.scaling().stepPolicies().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A classic endpoint named as the spec's, for the variant-level APIs: moto's CreateEndpointConfig
   * requires a ModelName on the variant (an inference-component config has none) and an instance
   * type from its list (which lacks ml.g5), so this config differs from the one copyscale deploys.
   */
  static void createVariantEndpoint(DeploymentSpec spec) {
    ResourceNames names = ResourceNames.of(spec);
    sageMaker.createModel(
        b ->
            b.modelName(names.model())
                .executionRoleArn(spec.executionRoleArn())
                .primaryContainer(c -> c.image(spec.component().image())));
    sageMaker.createEndpointConfig(
        b ->
            b.endpointConfigName(names.endpointConfig())
                .productionVariants(
                    v ->
                        v.variantName(names.variant())
                            .modelName(names.model())
                            .instanceType(MOTO_KNOWN_INSTANCE_TYPE)
                            .initialInstanceCount(spec.endpoint().initialInstanceCount())));
    sageMaker.createEndpoint(
        b -> b.endpointName(names.endpoint()).endpointConfigName(names.endpointConfig()));
  }

  static Map<String, MetricAlarm> alarmsByName(Iterable<MetricAlarm> alarms) {
    Map<String, MetricAlarm> byName = new java.util.TreeMap<>();
    alarms.forEach(a -> byName.put(a.alarmName(), a));
    return byName;
  }

  static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * moto has no inference components: DescribeInferenceComponent is not implemented (HTTP 500) and
   * Application Auto Scaling rejects the sagemaker:inference-component:DesiredCopyCount dimension.
   * A deployment's first reconcile reads both before it creates anything, and on AWS both say
   * "nothing yet". These clients answer exactly those reads as AWS does for a component that does
   * not exist (SageMaker's ValidationException "Could not find inference component", no scalable
   * target, no policies) and send every other call to moto unchanged.
   */
  static final class WithoutInferenceComponents {
    private WithoutInferenceComponents() {}

    static SageMakerClient sageMaker(SageMakerClient moto) {
      return intercepting(
          SageMakerClient.class,
          moto,
          (method, args) -> {
            if (method.getName().equals("describeInferenceComponent")
                && args[0] instanceof DescribeInferenceComponentRequest r) {
              String message =
                  "Could not find inference component"
                      + " \"arn:aws:sagemaker:us-east-1:123456789012:inference-component/"
                      + r.inferenceComponentName()
                      + "\".";
              throw SageMakerException.builder()
                  .statusCode(400)
                  .message(message)
                  .awsErrorDetails(
                      AwsErrorDetails.builder()
                          .serviceName("SageMaker")
                          .errorCode("ValidationException")
                          .errorMessage(message)
                          .build())
                  .build();
            }
            return null;
          });
    }

    static ApplicationAutoScalingClient autoScaling(ApplicationAutoScalingClient moto) {
      return intercepting(
          ApplicationAutoScalingClient.class,
          moto,
          (method, args) -> {
            if (args[0] instanceof DescribeScalableTargetsRequest r
                && ResourceNames.COPY_DIMENSION.equals(r.scalableDimensionAsString())) {
              return DescribeScalableTargetsResponse.builder().scalableTargets(List.of()).build();
            }
            if (args[0] instanceof DescribeScalingPoliciesRequest r
                && ResourceNames.COPY_DIMENSION.equals(r.scalableDimensionAsString())) {
              return DescribeScalingPoliciesResponse.builder().scalingPolicies(List.of()).build();
            }
            return null;
          });
    }

    /**
     * A proxy of {@code type}: the SDK's convenience defaults (consumer-builder overloads,
     * paginators) run on the proxy so they come back through it; every request-object call is
     * offered to {@code answer} (non-null: the answer) and otherwise sent to {@code target}.
     */
    private static <T> T intercepting(
        Class<T> type, T target, BiFunction<Method, Object[], Object> answer) {
      InvocationHandler handler =
          (proxy, method, args) -> {
            boolean convenience =
                method.isDefault()
                    && (method.getName().endsWith("Paginator")
                        || (args != null && args.length == 1 && args[0] instanceof Consumer));
            if (convenience) {
              return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (args != null && args.length == 1) {
              Object answered = answer.apply(method, args);
              if (answered != null) {
                return answered;
              }
            }
            try {
              return method.invoke(target, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          };
      return type.cast(
          Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
  }
}

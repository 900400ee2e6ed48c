package dev.copyscale.aws.requests;

import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Component;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.DeploymentSpec.TargetTracking;
import dev.copyscale.spec.Metric;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.applicationautoscaling.model.StepScalingPolicyConfiguration;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateInferenceComponentRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentComputeResourceRequirements;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentContainerSpecification;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentRuntimeConfig;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentSpecification;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentStartupParameters;
import software.amazon.awssdk.services.sagemaker.model.ManagedInstanceScalingStatus;
import software.amazon.awssdk.services.sagemaker.model.ModelCompressionType;
import software.amazon.awssdk.services.sagemaker.model.ModelDataSource;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantManagedInstanceScaling;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantRoutingConfig;
import software.amazon.awssdk.services.sagemaker.model.S3ModelDataSource;
import software.amazon.awssdk.services.sagemaker.model.S3ModelDataType;
import software.amazon.awssdk.services.sagemaker.model.UpdateInferenceComponentRequest;

/** The AWS requests that realise a spec. One place, so deploy, tests and the twin agree. */
public final class Requests {
  private Requests() {}

  /**
   * Where SageMaker puts the model data of a ModelDataSource in the container, and so what TGI
   * loads when the weights come from S3: TGI's SageMaker entrypoint passes HF_MODEL_ID on as
   * MODEL_ID, which may be a local directory.
   */
  public static final String MODEL_DIRECTORY = "/opt/ml/model";

  /**
   * The container environment: the spec's TGI settings, the model (the Hub id, or {@link
   * #MODEL_DIRECTORY} when the weights come from S3), the GPU count TGI shards over and, for gated
   * models from the Hub, the token (under both names TGI versions read). Never logged.
   */
  static Map<String, String> environment(Component c, Optional<String> token) {
    Map<String, String> env = new TreeMap<>(c.env());
    env.put("HF_MODEL_ID", c.modelDataS3Uri().isPresent() ? MODEL_DIRECTORY : c.modelId());
    env.putIfAbsent("SM_NUM_GPUS", String.valueOf(c.resources().accelerators()));
    // The spec refuses a token with S3 weights; should one arrive anyway, it stays out of the
    // model.
    token
        .filter(t -> c.modelDataS3Uri().isEmpty())
        .ifPresent(
            t -> {
              env.put("HF_TOKEN", t);
              env.put("HUGGING_FACE_HUB_TOKEN", t);
            });
    return env;
  }

  /** Tags on everything copyscale creates: IAM scopes its writes to the stack's tag. */
  public static List<software.amazon.awssdk.services.sagemaker.model.Tag> tags(
      String stack, DeploymentSpec spec) {
    return List.of(
        software.amazon.awssdk.services.sagemaker.model.Tag.builder()
            .key(DeployConfig.STACK_TAG)
            .value(stack)
            .build(),
        software.amazon.awssdk.services.sagemaker.model.Tag.builder()
            .key(DeployConfig.DEPLOYMENT_TAG)
            .value(spec.name())
            .build());
  }

  /**
   * The model: TGI's image and environment and, with {@code component.modelDataS3Uri}, the weights
   * as uncompressed model data under that S3 prefix (S3DataType S3Prefix, CompressionType None),
   * which SageMaker copies to /opt/ml/model with the execution role; no token is then involved at
   * all.
   */
  public static CreateModelRequest createModel(
      DeploymentSpec spec, ResourceNames names, Optional<String> token, String stack) {
    ContainerDefinition.Builder container =
        ContainerDefinition.builder()
            .image(spec.component().image())
            .environment(environment(spec.component(), token));
    spec.component()
        .modelDataS3Uri()
        .ifPresent(uri -> container.modelDataSource(modelDataSource(uri)));
    return CreateModelRequest.builder()
        .tags(tags(stack, spec))
        .modelName(names.model())
        .executionRoleArn(spec.executionRoleArn())
        .primaryContainer(container.build())
        .build();
  }

  /** Every object under the prefix, as is: SageMaker neither untars nor unzips them. */
  static ModelDataSource modelDataSource(String s3Prefix) {
    return ModelDataSource.builder()
        .s3DataSource(
            S3ModelDataSource.builder()
                .s3Uri(s3Prefix)
                .s3DataType(S3ModelDataType.S3_PREFIX)
                .compressionType(ModelCompressionType.NONE)
                .build())
        .build();
  }

  /** An inference-component endpoint config: execution role, no model on the variant. */
  public static CreateEndpointConfigRequest createEndpointConfig(
      DeploymentSpec spec, ResourceNames names, String stack) {
    DeploymentSpec.Endpoint e = spec.endpoint();
    ProductionVariant.Builder variant =
        ProductionVariant.builder()
            .variantName(e.variantName())
            .instanceType(e.instanceType())
            .initialInstanceCount(e.initialInstanceCount())
            .routingConfig(
                ProductionVariantRoutingConfig.builder().routingStrategy(e.routing()).build());
    if (e.managedInstanceScaling().enabled()) {
      variant.managedInstanceScaling(
          ProductionVariantManagedInstanceScaling.builder()
              .status(ManagedInstanceScalingStatus.ENABLED)
              .minInstanceCount(e.managedInstanceScaling().minInstances())
              .maxInstanceCount(e.managedInstanceScaling().maxInstances())
              .build());
    }
    return CreateEndpointConfigRequest.builder()
        .tags(tags(stack, spec))
        .endpointConfigName(names.endpointConfig())
        .executionRoleArn(spec.executionRoleArn())
        .productionVariants(variant.build())
        .build();
  }

  static InferenceComponentSpecification componentSpecification(
      DeploymentSpec spec, ResourceNames names) {
    Component c = spec.component();
    return InferenceComponentSpecification.builder()
        .modelName(names.model())
        .startupParameters(
            InferenceComponentStartupParameters.builder()
                .modelDataDownloadTimeoutInSeconds(c.modelDataDownloadTimeoutSeconds())
                .containerStartupHealthCheckTimeoutInSeconds(c.startupHealthCheckTimeoutSeconds())
                .build())
        .computeResourceRequirements(
            InferenceComponentComputeResourceRequirements.builder()
                .numberOfAcceleratorDevicesRequired((float) c.resources().accelerators())
                .numberOfCpuCoresRequired((float) c.resources().cpus())
                .minMemoryRequiredInMb(c.resources().memoryMb())
                .build())
        // Sent only when on, so a spec without it asks SageMaker for exactly what it did before.
        .dataCacheConfig(
            c.dataCache()
                ? software.amazon.awssdk.services.sagemaker.model.InferenceComponentDataCacheConfig
                    .builder()
                    .enableCaching(true)
                    .build()
                : null)
        .build();
  }

  public static CreateInferenceComponentRequest createComponent(
      DeploymentSpec spec, ResourceNames names, int copies, String stack) {
    return CreateInferenceComponentRequest.builder()
        .tags(tags(stack, spec))
        .inferenceComponentName(names.component())
        .endpointName(names.endpoint())
        .variantName(names.variant())
        .specification(componentSpecification(spec, names))
        .runtimeConfig(InferenceComponentRuntimeConfig.builder().copyCount(copies).build())
        .build();
  }

  /**
   * A LoRA adapter on its base component: the base's name
   * (Specification.BaseInferenceComponentName) and the adapter's weights (Container.ArtifactUrl).
   * No ComputeResourceRequirements (an adapter uses its base's compute; API reference,
   * InferenceComponentSpecification), no model and no RuntimeConfig copy count: it serves in every
   * copy of its base.
   */
  public static CreateInferenceComponentRequest createAdapter(
      DeploymentSpec spec,
      ResourceNames names,
      String adapter,
      String base,
      String artifactUrl,
      String stack) {
    return CreateInferenceComponentRequest.builder()
        .tags(tags(stack, spec))
        .inferenceComponentName(adapter)
        .endpointName(names.endpoint())
        .variantName(names.variant())
        .specification(
            InferenceComponentSpecification.builder()
                .baseInferenceComponentName(base)
                .container(
                    InferenceComponentContainerSpecification.builder()
                        .artifactUrl(artifactUrl)
                        .build())
                .build())
        .build();
  }

  public static UpdateInferenceComponentRequest updateComponent(
      DeploymentSpec spec, ResourceNames names) {
    return UpdateInferenceComponentRequest.builder()
        .inferenceComponentName(names.component())
        .specification(componentSpecification(spec, names))
        .build();
  }

  public static RegisterScalableTargetRequest registerTarget(
      ResourceNames names, int min, int max) {
    return RegisterScalableTargetRequest.builder()
        .serviceNamespace(ServiceNamespace.SAGEMAKER)
        .resourceId(names.scalableResourceId())
        .scalableDimension(names.scalableDimension())
        .minCapacity(min)
        .maxCapacity(max)
        .build();
  }

  public static PutScalingPolicyRequest targetTracking(ResourceNames names, TargetTracking tt) {
    return PutScalingPolicyRequest.builder()
        .policyName(names.targetTrackingPolicy())
        .serviceNamespace(ServiceNamespace.SAGEMAKER)
        .resourceId(names.scalableResourceId())
        .scalableDimension(names.scalableDimension())
        .policyType(PolicyType.TARGET_TRACKING_SCALING)
        .targetTrackingScalingPolicyConfiguration(
            TargetTrackingScalingPolicyConfiguration.builder()
                .targetValue(tt.target())
                .predefinedMetricSpecification(
                    PredefinedMetricSpecification.builder()
                        .predefinedMetricType(tt.metric())
                        .build())
                .scaleOutCooldown(tt.scaleOutCooldownSeconds())
                .scaleInCooldown(tt.scaleInCooldownSeconds())
                .disableScaleIn(tt.disableScaleIn())
                .build())
        .build();
  }

  public static PutScalingPolicyRequest stepPolicy(ResourceNames names, StepPolicy p) {
    StepScalingPolicyConfiguration.Builder config =
        StepScalingPolicyConfiguration.builder()
            .adjustmentType(p.adjustmentType().awsName())
            .cooldown(p.cooldownSeconds())
            .metricAggregationType(p.metricAggregation())
            .stepAdjustments(
                p.steps().stream()
                    .map(
                        s ->
                            StepAdjustment.builder()
                                .metricIntervalLowerBound(s.lower().orElse(null))
                                .metricIntervalUpperBound(s.upper().orElse(null))
                                .scalingAdjustment(s.adjustment())
                                .build())
                    .toList());
    p.minAdjustmentMagnitude().ifPresent(config::minAdjustmentMagnitude);
    return PutScalingPolicyRequest.builder()
        .policyName(names.policy(p.name()))
        .serviceNamespace(ServiceNamespace.SAGEMAKER)
        .resourceId(names.scalableResourceId())
        .scalableDimension(names.scalableDimension())
        .policyType(PolicyType.STEP_SCALING)
        .stepScalingPolicyConfiguration(config.build())
        .build();
  }

  /**
   * The alarm of a step policy on the component's (or variant's) metric, acting on {@code actions}.
   */
  public static PutMetricAlarmRequest alarm(
      DeploymentSpec spec, ResourceNames names, StepPolicy p, List<String> actions) {
    DeploymentSpec.Alarm a = p.alarm();
    Metric metric = Metric.bySpecName(a.metric()).orElseThrow();
    List<Dimension> dimensions =
        metric.level() == Metric.Level.COMPONENT
            ? List.of(
                Dimension.builder().name("InferenceComponentName").value(names.component()).build())
            : List.of(
                Dimension.builder().name("EndpointName").value(names.endpoint()).build(),
                Dimension.builder().name("VariantName").value(names.variant()).build());
    return PutMetricAlarmRequest.builder()
        .alarmName(names.alarm(p.name()))
        .alarmDescription("copyscale " + spec.name() + ": " + p.engine().alarmPurpose(p.name()))
        .namespace(metric.namespace())
        .metricName(metric.metricName())
        .dimensions(dimensions)
        .statistic(a.statistic())
        .period(a.periodSeconds())
        .evaluationPeriods(a.evaluationPeriods())
        .datapointsToAlarm(a.datapointsToAlarm())
        .threshold(a.threshold())
        .comparisonOperator(a.comparison().awsName())
        .treatMissingData(a.treatMissingData())
        .alarmActions(actions)
        .build();
  }
}

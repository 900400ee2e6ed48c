package dev.copyscale.twin.sagemaker;

import static dev.copyscale.twin.sagemaker.SageMakerErrors.alreadyExists;
import static dev.copyscale.twin.sagemaker.SageMakerErrors.atLeast;
import static dev.copyscale.twin.sagemaker.SageMakerErrors.atMost;
import static dev.copyscale.twin.sagemaker.SageMakerErrors.notFound;
import static dev.copyscale.twin.sagemaker.SageMakerErrors.validation;

import dev.copyscale.catalog.InstanceType;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.FirstFit;
import dev.copyscale.twin.sagemaker.SageMakerState.Component;
import dev.copyscale.twin.sagemaker.SageMakerState.Endpoint;
import dev.copyscale.twin.sagemaker.SageMakerState.EndpointConfig;
import dev.copyscale.twin.sagemaker.SageMakerState.Instance;
import dev.copyscale.twin.sagemaker.SageMakerState.Model;
import dev.copyscale.twin.sagemaker.SageMakerState.Spec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.*;

/**
 * SageMaker in the twin: models, endpoint configs, endpoints with instances, and inference
 * components whose copies are placed on instances with room for their accelerators, CPUs and memory
 * ({@link Placement}). Copies come up one by one after the image pull (skipped where the instance
 * has the image: container caching) and the model load. With managed instance scaling on, instances
 * are added for copies that do not fit, up to its maximum, and empty ones released down to its
 * minimum; off, such copies stay pending and DescribeInferenceComponent reports fewer current than
 * desired copies.
 *
 * <p>Statuses follow from the facts and the time. The discrete transitions (an instance or a copy
 * becoming ready, a rolling batch having baked, a deletion finishing) are times stored in the
 * state; {@link #settle} applies the due ones in time order, so placement decisions happen at the
 * virtual time they would happen on AWS.
 */
public final class SageMakerTwin implements SageMakerClient {
  private static final Pattern NAME = Pattern.compile(SageMakerErrors.NAME_PATTERN + "$");

  /** Container.ArtifactUrl's pattern (API reference, InferenceComponentContainerSpecification). */
  private static final Pattern ARTIFACT_URL = Pattern.compile("^(https|s3)://([^/]+)/?(.*)$");

  private final Clock clock;
  private final String region;
  private final String account;
  private final TwinTimings timings;
  private final SageMakerState state;
  private final Placement placement;

  public SageMakerTwin(
      Clock clock, String region, String account, TwinTimings timings, SageMakerState state) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.timings = timings;
    this.state = state;
    this.placement = new Placement(state, timings);
  }

  public SageMakerState state() {
    return state;
  }

  @Override
  public String serviceName() {
    return "sagemaker";
  }

  @Override
  public void close() {}

  private String arn(String kind, String name) {
    return "arn:aws:sagemaker:"
        + region
        + ":"
        + account
        + ":"
        + kind
        + "/"
        + String.valueOf(name).toLowerCase();
  }

  private static void checkName(String member, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw SageMakerErrors.constraint(
          member,
          name,
          "Member must satisfy regular expression pattern: " + SageMakerErrors.NAME_PATTERN);
    }
  }

  private Instant now() {
    return clock.instant();
  }

  private static TreeMap<String, String> tags(List<Tag> tags) {
    TreeMap<String, String> map = new TreeMap<>();
    if (tags != null) {
      tags.forEach(t -> map.put(t.key(), t.value()));
    }
    return map;
  }

  private Model model(String name) {
    Model m = state.models().get(name);
    if (m == null) {
      throw notFound("model", arn("model", name));
    }
    return m;
  }

  private EndpointConfig config(String name) {
    EndpointConfig c = state.endpointConfigs().get(name);
    if (c == null) {
      throw notFound("endpoint configuration", arn("endpoint-config", name));
    }
    return c;
  }

  private Endpoint endpoint(String name) {
    Endpoint e = state.endpoints().get(name);
    if (e == null) {
      throw notFound("endpoint", arn("endpoint", name));
    }
    return e;
  }

  private Component component(String name) {
    Component c = state.components().get(name);
    if (c == null) {
      throw notFound("inference component", arn("inference-component", name));
    }
    return c;
  }

  // ---- models ---------------------------------------------------------------------------------

  @Override
  public synchronized CreateModelResponse createModel(CreateModelRequest r) {
    settle();
    checkName("modelName", r.modelName());
    if (state.models().containsKey(r.modelName())) {
      throw alreadyExists("model", arn("model", r.modelName()));
    }
    if (r.primaryContainer() == null || r.primaryContainer().image() == null) {
      throw validation(
          "1 validation error detected: a PrimaryContainer with an Image is required.");
    }
    var source =
        r.primaryContainer().modelDataSource() == null
            ? null
            : r.primaryContainer().modelDataSource().s3DataSource();
    Model m =
        new Model(
            r.modelName(),
            r.primaryContainer().image(),
            r.primaryContainer().environment(),
            source == null ? null : source.s3Uri(),
            source == null ? null : source.s3DataTypeAsString(),
            source == null ? null : source.compressionTypeAsString(),
            r.executionRoleArn(),
            now(),
            tags(r.tags()));
    state.addModel(m);
    return CreateModelResponse.builder().modelArn(arn("model", m.name())).build();
  }

  @Override
  public synchronized DescribeModelResponse describeModel(DescribeModelRequest r) {
    Model m = model(r.modelName());
    return DescribeModelResponse.builder()
        .modelName(m.name())
        .modelArn(arn("model", m.name()))
        .executionRoleArn(m.executionRoleArn())
        .primaryContainer(container(m))
        .creationTime(m.created())
        .build();
  }

  private static ContainerDefinition container(Model m) {
    ContainerDefinition.Builder c =
        ContainerDefinition.builder().image(m.image()).environment(m.environment());
    if (m.modelDataS3Uri() != null) {
      c.modelDataSource(
          d ->
              d.s3DataSource(
                  x ->
                      x.s3Uri(m.modelDataS3Uri())
                          .s3DataType(m.modelDataS3DataType())
                          .compressionType(m.modelDataCompression())));
    }
    return c.build();
  }

  @Override
  public synchronized ListModelsResponse listModels(ListModelsRequest r) {
    List<ModelSummary> models =
        state.models().values().stream()
            .filter(m -> r.nameContains() == null || m.name().contains(r.nameContains()))
            .map(
                m ->
                    ModelSummary.builder()
                        .modelName(m.name())
                        .modelArn(arn("model", m.name()))
                        .creationTime(m.created())
                        .build())
            .toList();
    return ListModelsResponse.builder().models(models).build();
  }

  @Override
  public synchronized DeleteModelResponse deleteModel(DeleteModelRequest r) {
    model(r.modelName());
    state.removeModel(r.modelName());
    return DeleteModelResponse.builder().build();
  }

  // ---- endpoint configs -----------------------------------------------------------------------

  @Override
  public synchronized CreateEndpointConfigResponse createEndpointConfig(
      CreateEndpointConfigRequest r) {
    checkName("endpointConfigName", r.endpointConfigName());
    if (state.endpointConfigs().containsKey(r.endpointConfigName())) {
      throw alreadyExists("endpoint configuration", arn("endpoint-config", r.endpointConfigName()));
    }
    if (r.productionVariants().size() != 1) {
      throw validation(
          "The twin models endpoint configs with exactly one production variant; got "
              + r.productionVariants().size()
              + ".");
    }
    ProductionVariant v = r.productionVariants().get(0);
    checkName("productionVariants.1.member.variantName", v.variantName());
    if (v.modelName() != null) {
      throw validation(
          "The twin hosts inference components only: the variant must not name a model.");
    }
    if (r.executionRoleArn() == null) {
      throw validation(
          "An endpoint configuration for inference components (no ModelName on its variant) needs"
              + " an ExecutionRoleArn.");
    }
    Placement.instanceType(v.instanceTypeAsString());
    if (v.initialInstanceCount() == null || v.initialInstanceCount() < 1) {
      throw atLeast(
          "productionVariants.1.member.initialInstanceCount", v.initialInstanceCount(), 1);
    }
    int initial = v.initialInstanceCount();
    ProductionVariantManagedInstanceScaling mis = v.managedInstanceScaling();
    boolean managed = mis != null && "ENABLED".equals(mis.statusAsString());
    int min = 0;
    int max = 0;
    if (managed) {
      min = mis.minInstanceCount() == null ? 1 : mis.minInstanceCount();
      max = mis.maxInstanceCount() == null ? initial : mis.maxInstanceCount();
      if (min < 0) {
        throw atLeast(
            "productionVariants.1.member.managedInstanceScaling.minInstanceCount", min, 0);
      }
      if (max < 1) {
        throw atLeast(
            "productionVariants.1.member.managedInstanceScaling.maxInstanceCount", max, 1);
      }
      if (min > max || initial > max) {
        throw validation(
            "ManagedInstanceScaling: MinInstanceCount "
                + min
                + " and InitialInstanceCount "
                + initial
                + " must not exceed MaxInstanceCount "
                + max
                + ".");
      }
    }
    String routing =
        v.routingConfig() == null ? "RANDOM" : v.routingConfig().routingStrategyAsString();
    EndpointConfig c =
        new EndpointConfig(
            r.endpointConfigName(),
            r.executionRoleArn(),
            v.variantName(),
            v.instanceTypeAsString(),
            initial,
            managed,
            min,
            max,
            routing,
            now(),
            tags(r.tags()));
    state.addEndpointConfig(c);
    return CreateEndpointConfigResponse.builder()
        .endpointConfigArn(arn("endpoint-config", c.name()))
        .build();
  }

  @Override
  public synchronized DescribeEndpointConfigResponse describeEndpointConfig(
      DescribeEndpointConfigRequest r) {
    EndpointConfig c = config(r.endpointConfigName());
    return DescribeEndpointConfigResponse.builder()
        .endpointConfigName(c.name())
        .endpointConfigArn(arn("endpoint-config", c.name()))
        .executionRoleArn(c.executionRoleArn())
        .productionVariants(variant(c))
        .creationTime(c.created())
        .build();
  }

  private static ProductionVariant variant(EndpointConfig c) {
    return ProductionVariant.builder()
        .variantName(c.variantName())
        .instanceType(c.instanceType())
        .initialInstanceCount(c.initialInstanceCount())
        .managedInstanceScaling(managedScaling(c))
        .routingConfig(
            ProductionVariantRoutingConfig.builder().routingStrategy(c.routing()).build())
        .build();
  }

  private static ProductionVariantManagedInstanceScaling managedScaling(EndpointConfig c) {
    return c.managedInstanceScaling()
        ? ProductionVariantManagedInstanceScaling.builder()
            .status("ENABLED")
            .minInstanceCount(c.minInstances())
            .maxInstanceCount(c.maxInstances())
            .build()
        : null;
  }

  @Override
  public synchronized ListEndpointConfigsResponse listEndpointConfigs(
      ListEndpointConfigsRequest r) {
    List<EndpointConfigSummary> configs =
        state.endpointConfigs().values().stream()
            .filter(c -> r.nameContains() == null || c.name().contains(r.nameContains()))
            .map(
                c ->
                    EndpointConfigSummary.builder()
                        .endpointConfigName(c.name())
                        .endpointConfigArn(arn("endpoint-config", c.name()))
                        .creationTime(c.created())
                        .build())
            .toList();
    return ListEndpointConfigsResponse.builder().endpointConfigs(configs).build();
  }

  @Override
  public synchronized DeleteEndpointConfigResponse deleteEndpointConfig(
      DeleteEndpointConfigRequest r) {
    EndpointConfig c = config(r.endpointConfigName());
    state.deleteEndpointConfig(c.name());
    return DeleteEndpointConfigResponse.builder().build();
  }

  // ---- endpoints ------------------------------------------------------------------------------

  @Override
  public synchronized CreateEndpointResponse createEndpoint(CreateEndpointRequest r) {
    settle();
    checkName("endpointName", r.endpointName());
    if (state.endpoints().containsKey(r.endpointName())) {
      throw alreadyExists("endpoint", arn("endpoint", r.endpointName()));
    }
    EndpointConfig c = config(r.endpointConfigName());
    Endpoint e = new Endpoint(r.endpointName(), c.name(), now(), tags(r.tags()));
    if (timings.outOfCapacity().contains(c.instanceType())) {
      e.recordFailure(Placement.insufficientCapacity(c.instanceType()), true);
      state.addEndpoint(e);
      return CreateEndpointResponse.builder().endpointArn(arn("endpoint", e.name())).build();
    }
    for (int i = 0; i < c.initialInstanceCount(); i++) {
      e.addInstance(
          placement.newInstance(
              c.instanceType(), c.name(), now().plus(timings.instanceProvisioning())));
    }
    state.addEndpoint(e);
    return CreateEndpointResponse.builder().endpointArn(arn("endpoint", e.name())).build();
  }

  /**
   * EndpointStatus at the current time: Creating until first in service, Updating while instances
   * provision or a new fleet takes over.
   */
  String endpointStatus(Endpoint e) {
    if (e.deletingUntil() != null) {
      return "Deleting";
    }
    if (e.failed()) {
      return "Failed";
    }
    // After an instance change the endpoint stays Updating a little past the instances being ready.
    // (Instances the endpoint was created with are not a change.)
    boolean provisioning =
        e.pendingConfig() != null
            || e.instances().stream().anyMatch(i -> i.readyAt().plus(settle(e, i)).isAfter(now()));
    if (!provisioning) {
      return "InService";
    }
    return e.firstInService() == null ? "Creating" : "Updating";
  }

  private java.time.Duration settle(Endpoint e, Instance i) {
    return e.firstInService() != null && i.readyAt().isAfter(e.firstInService())
        ? timings.updateSettle()
        : java.time.Duration.ZERO;
  }

  @Override
  public synchronized DescribeEndpointResponse describeEndpoint(DescribeEndpointRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    EndpointConfig c = state.endpointConfig(e.configName());
    List<Instance> fleet = placement.fleet(e, e.configName());
    ProductionVariantSummary variant =
        ProductionVariantSummary.builder()
            .variantName(c.variantName())
            .currentInstanceCount(ready(fleet))
            .desiredInstanceCount(fleet.size())
            .managedInstanceScaling(managedScaling(c))
            .routingConfig(
                ProductionVariantRoutingConfig.builder().routingStrategy(c.routing()).build())
            .build();
    DescribeEndpointResponse.Builder b =
        DescribeEndpointResponse.builder()
            .endpointName(e.name())
            .endpointArn(arn("endpoint", e.name()))
            .endpointConfigName(e.configName())
            .endpointStatus(endpointStatus(e))
            .productionVariants(variant)
            .creationTime(e.created())
            .lastModifiedTime(e.modified())
            .failureReason(e.failureReason());
    if (e.pendingConfig() != null) {
      EndpointConfig next = state.endpointConfig(e.pendingConfig());
      List<Instance> nextFleet = placement.fleet(e, next.name());
      b.pendingDeploymentSummary(
          PendingDeploymentSummary.builder()
              .endpointConfigName(next.name())
              .startTime(e.modified())
              .productionVariants(
                  PendingProductionVariantSummary.builder()
                      .variantName(next.variantName())
                      .instanceType(next.instanceType())
                      .currentInstanceCount(ready(nextFleet))
                      .desiredInstanceCount(nextFleet.size())
                      .managedInstanceScaling(managedScaling(next))
                      .build())
              .build());
    }
    return b.build();
  }

  private int ready(List<Instance> instances) {
    return (int) instances.stream().filter(i -> !i.readyAt().isAfter(now())).count();
  }

  @Override
  public synchronized ListEndpointsResponse listEndpoints(ListEndpointsRequest r) {
    settle();
    List<EndpointSummary> endpoints =
        state.endpoints().values().stream()
            .filter(e -> r.nameContains() == null || e.name().contains(r.nameContains()))
            .filter(
                e ->
                    r.statusEqualsAsString() == null
                        || endpointStatus(e).equals(r.statusEqualsAsString()))
            .map(
                e ->
                    EndpointSummary.builder()
                        .endpointName(e.name())
                        .endpointArn(arn("endpoint", e.name()))
                        .endpointStatus(endpointStatus(e))
                        .creationTime(e.created())
                        .lastModifiedTime(e.modified())
                        .build())
            .toList();
    return ListEndpointsResponse.builder().endpoints(endpoints).build();
  }

  private void requireInService(Endpoint e) {
    if (!endpointStatus(e).equals("InService")) {
      throw SageMakerErrors.endpointInProgress(arn("endpoint", e.name()));
    }
  }

  /**
   * A new config's fleet is provisioned beside the current one (SageMaker's blue/green endpoint
   * update); copies start on it, and once they serve the old fleet retires ({@link
   * Placement#switchFleet}).
   */
  @Override
  public synchronized UpdateEndpointResponse updateEndpoint(UpdateEndpointRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    requireInService(e);
    EndpointConfig next = config(r.endpointConfigName());
    int count = Math.max(next.initialInstanceCount(), placement.fleet(e, e.configName()).size());
    if (next.managedInstanceScaling()) {
      count = Math.min(count, next.maxInstances());
    }
    for (int i = 0; i < count; i++) {
      e.addInstance(
          placement.newInstance(
              next.instanceType(), next.name(), now().plus(timings.instanceProvisioning())));
    }
    e.startUpdate(next.name(), now());
    // Every component's copies move to the new fleet: each is updating until they serve there.
    placement.componentsOn(e.name()).forEach(c -> c.recordChange("UPDATE"));
    placement.place(e, now());
    return UpdateEndpointResponse.builder().endpointArn(arn("endpoint", e.name())).build();
  }

  @Override
  public synchronized UpdateEndpointWeightsAndCapacitiesResponse updateEndpointWeightsAndCapacities(
      UpdateEndpointWeightsAndCapacitiesRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    requireInService(e);
    EndpointConfig c = state.endpointConfig(e.configName());
    for (DesiredWeightAndCapacity d : r.desiredWeightsAndCapacities()) {
      if (!c.variantName().equals(d.variantName())) {
        throw validation(
            "The variant name(s) \""
                + d.variantName()
                + "\" is/are not present within endpoint configuration \""
                + c.name()
                + "\".");
      }
      if (d.desiredInstanceCount() != null && d.desiredInstanceCount() < 0) {
        throw atLeast(
            "desiredWeightsAndCapacities.1.member.desiredInstanceCount",
            d.desiredInstanceCount(),
            0);
      }
    }
    for (DesiredWeightAndCapacity d : r.desiredWeightsAndCapacities()) {
      if (d.desiredInstanceCount() == null) {
        continue;
      }
      int desired = d.desiredInstanceCount();
      int current = placement.fleet(e, c.name()).size();
      if (desired > current && timings.outOfCapacity().contains(c.instanceType())) {
        e.recordFailure(Placement.insufficientCapacity(c.instanceType()), false);
        continue;
      }
      for (int i = current; i < desired; i++) {
        e.addInstance(
            placement.newInstance(
                c.instanceType(), c.name(), now().plus(timings.instanceProvisioning())));
      }
      if (current > desired) {
        placement.removeInstances(e, current - desired, now());
      }
    }
    e.markModified(now());
    placement.place(e, now());
    return UpdateEndpointWeightsAndCapacitiesResponse.builder()
        .endpointArn(arn("endpoint", e.name()))
        .build();
  }

  @Override
  public synchronized DeleteEndpointResponse deleteEndpoint(DeleteEndpointRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    if (!e.failed()) { // a Failed endpoint can always be deleted
      requireInService(e);
    }
    if (!placement.componentsOn(e.name()).isEmpty()) {
      throw validation(
          "Cannot delete endpoint \""
              + arn("endpoint", e.name())
              + "\" because it has inference components; delete them first.");
    }
    e.startDeletion(now().plus(timings.endpointDeletion()));
    return DeleteEndpointResponse.builder().build();
  }

  // ---- inference components -------------------------------------------------------------------

  @Override
  public synchronized CreateInferenceComponentResponse createInferenceComponent(
      CreateInferenceComponentRequest r) {
    settle();
    checkName("inferenceComponentName", r.inferenceComponentName());
    if (state.components().containsKey(r.inferenceComponentName())) {
      throw alreadyExists(
          "inference component", arn("inference-component", r.inferenceComponentName()));
    }
    Endpoint e = endpoint(r.endpointName());
    if (!endpointStatus(e).equals("InService")) {
      throw validation(
          "Endpoint \""
              + arn("endpoint", e.name())
              + "\" is not in InService status (it is "
              + endpointStatus(e)
              + ").");
    }
    EndpointConfig config = state.endpointConfig(e.configName());
    if (r.variantName() != null && !r.variantName().equals(config.variantName())) {
      throw validation(
          "Variant \"" + r.variantName() + "\" does not exist on endpoint \"" + e.name() + "\".");
    }
    if (r.specification() == null) {
      throw validation(
          "1 validation error detected: an inference component needs a Specification.");
    }
    if (r.specification().baseInferenceComponentName() != null) {
      return createAdapter(r, e, config);
    }
    int copies =
        r.runtimeConfig() == null || r.runtimeConfig().copyCount() == null
            ? -1
            : r.runtimeConfig().copyCount();
    if (copies < 1) {
      // Reported behaviour (DESIGN.md): creating with 0 copies is refused although the API model
      // allows it.
      throw atLeast("runtimeConfig.copyCount", copies, 1);
    }
    Component c =
        new Component(
            r.inferenceComponentName(),
            e.name(),
            config.variantName(),
            specification(r.specification(), config),
            copies,
            now(),
            tags(r.tags()));
    state.addComponent(c);
    placement.place(e, now());
    return CreateInferenceComponentResponse.builder()
        .inferenceComponentArn(arn("inference-component", c.name()))
        .build();
  }

  /**
   * An adapter inference component: a LoRA adapter (Container.ArtifactUrl) on a base component of
   * the same endpoint. It has no copies and no resources of its own; it is InService once its base
   * has served and its artifact is loaded ({@link TwinTimings#adapterLoad}), and its requests are
   * served by its base's copies.
   */
  private CreateInferenceComponentResponse createAdapter(
      CreateInferenceComponentRequest r, Endpoint e, EndpointConfig config) {
    if (r.runtimeConfig() != null) {
      throw validation(
          "RuntimeConfig must be omitted for an adapter inference component: it has no copies of"
              + " its own and is served by the copies of its base inference component.");
    }
    Spec spec = adapterSpecification(r.specification(), e);
    Component c =
        new Component(
            r.inferenceComponentName(),
            e.name(),
            config.variantName(),
            spec,
            0,
            now(),
            tags(r.tags()));
    Component base = state.components().get(spec.baseComponentName());
    if (base.firstInService() != null) {
      c.loadAdapter(now().plus(timings.adapterLoad()));
    }
    state.addComponent(c);
    return CreateInferenceComponentResponse.builder()
        .inferenceComponentArn(arn("inference-component", c.name()))
        .build();
  }

  /**
   * An adapter's specification, validated: its base exists on {@code e} and is no adapter itself;
   * ComputeResourceRequirements are omitted (API reference, InferenceComponentSpecification); its
   * artifact is an S3 or HTTPS URL.
   */
  private Spec adapterSpecification(InferenceComponentSpecification spec, Endpoint e) {
    String member = "specification.";
    checkName(member + "baseInferenceComponentName", spec.baseInferenceComponentName());
    Component base = component(spec.baseInferenceComponentName());
    String baseArn = arn("inference-component", base.name());
    if (!base.endpointName().equals(e.name())) {
      throw validation(
          "The base inference component \""
              + baseArn
              + "\" is hosted on endpoint \""
              + arn("endpoint", base.endpointName())
              + "\", not on endpoint \""
              + arn("endpoint", e.name())
              + "\": an adapter inference component must be on its base's endpoint.");
    }
    if (base.adapter()) {
      throw validation(
          "The base inference component \""
              + baseArn
              + "\" is itself an adapter inference component: an adapter's base must host the"
              + " foundation model.");
    }
    if (base.deletingUntil() != null) {
      throw SageMakerErrors.componentInProgress(baseArn, "DELETE_IN_PROGRESS");
    }
    if (spec.computeResourceRequirements() != null) {
      throw validation(
          "ComputeResourceRequirements must be omitted for an adapter inference component: it"
              + " uses the compute resources of its base inference component \""
              + baseArn
              + "\".");
    }
    InferenceComponentContainerSpecification container = spec.container();
    if (spec.modelName() != null || (container != null && container.image() != null)) {
      throw validation(
          "An adapter inference component runs in the container of its base inference component"
              + " \""
              + baseArn
              + "\": omit ModelName and Container.Image.");
    }
    String url = container == null ? null : container.artifactUrl();
    if (url == null) {
      throw validation(
          "1 validation error detected: Value null at '"
              + member
              + "container.artifactUrl' failed to satisfy constraint: an adapter inference"
              + " component needs the S3 location of its adapter artifacts");
    }
    if (!ARTIFACT_URL.matcher(url).matches() || url.length() > 1024) {
      throw SageMakerErrors.constraint(
          member + "container.artifactUrl",
          url,
          "Member must satisfy regular expression pattern: " + ARTIFACT_URL.pattern());
    }
    return Spec.adapter(base.name(), url);
  }

  /** A specification, validated against the API's constraints and the instance type. */
  private Spec specification(InferenceComponentSpecification spec, EndpointConfig config) {
    String member = "specification.";
    InferenceComponentContainerSpecification container = spec.container();
    if (spec.modelName() == null && (container == null || container.image() == null)) {
      throw validation(
          "1 validation error detected: the Specification needs a ModelName or a Container with an"
              + " Image.");
    }
    Optional<Model> model =
        spec.modelName() == null ? Optional.empty() : Optional.of(model(spec.modelName()));
    InferenceComponentComputeResourceRequirements need = spec.computeResourceRequirements();
    if (need == null || need.minMemoryRequiredInMb() == null) {
      throw validation(
          "1 validation error detected: Value null at '"
              + member
              + "computeResourceRequirements.minMemoryRequiredInMb' failed to satisfy constraint:"
              + " Member must not be null");
    }
    float accelerators =
        need.numberOfAcceleratorDevicesRequired() == null
            ? 0
            : need.numberOfAcceleratorDevicesRequired();
    float cpus = need.numberOfCpuCoresRequired() == null ? 0 : need.numberOfCpuCoresRequired();
    int memory = need.minMemoryRequiredInMb();
    if (memory < 128) {
      throw atLeast(member + "computeResourceRequirements.minMemoryRequiredInMb", memory, 128);
    }
    if (need.numberOfAcceleratorDevicesRequired() != null && accelerators < 1) {
      throw atLeast(
          member + "computeResourceRequirements.numberOfAcceleratorDevicesRequired",
          accelerators,
          1);
    }
    if (need.numberOfCpuCoresRequired() != null && cpus < 0.25f) {
      throw atLeast(member + "computeResourceRequirements.numberOfCpuCoresRequired", cpus, 0.25);
    }
    InstanceType type = Placement.instanceType(config.instanceType());
    if (!timings.oversizedCopiesPending()
        && !FirstFit.fits(
            type, Map.of(), Map.of(), new CopyResources(accelerators, cpus, memory))) {
      throw validation(
          "The compute resource requirements of one copy ("
              + accelerators
              + " accelerators, "
              + cpus
              + " CPUs, "
              + memory
              + " MiB) exceed what a "
              + type.name()
              + " has ("
              + type.gpuCount()
              + ", "
              + type.vcpus()
              + ", "
              + type.memoryMb()
              + ").");
    }
    InferenceComponentStartupParameters startup = spec.startupParameters();
    Integer download = startup == null ? null : startup.modelDataDownloadTimeoutInSeconds();
    Integer healthCheck =
        startup == null ? null : startup.containerStartupHealthCheckTimeoutInSeconds();
    checkTimeout(member + "startupParameters.modelDataDownloadTimeoutInSeconds", download);
    checkTimeout(
        member + "startupParameters.containerStartupHealthCheckTimeoutInSeconds", healthCheck);
    String image =
        container != null && container.image() != null
            ? container.image()
            : model.orElseThrow().image();
    boolean dataCache =
        spec.dataCacheConfig() != null
            && Boolean.TRUE.equals(spec.dataCacheConfig().enableCaching());
    return new Spec(
        spec.modelName(),
        image,
        container == null ? Map.of() : container.environment(),
        accelerators,
        cpus,
        memory,
        download,
        healthCheck,
        dataCache,
        null,
        null);
  }

  /** Both startup timeouts: 60 to 3600 s (InferenceComponentStartupParameters). */
  private static void checkTimeout(String member, Integer seconds) {
    if (seconds != null && seconds < 60) {
      throw atLeast(member, seconds, 60);
    }
    if (seconds != null && seconds > 3600) {
      throw atMost(member, seconds, 3600);
    }
  }

  /** InferenceComponentStatus at the current time. */
  String componentStatus(Component c) {
    return componentStatus(c, now());
  }

  /**
   * Creating or Updating while copies of its current specification start or old ones still have to
   * retire.
   */
  private String componentStatus(Component c, Instant at) {
    if (c.deletingUntil() != null) {
      return "Deleting";
    }
    if (c.failureReason() != null) {
      return "Failed";
    }
    if (c.adapter()) {
      boolean loaded = c.adapterLoadedAt() != null && !c.adapterLoadedAt().isAfter(at);
      return loaded ? "InService" : c.firstInService() == null ? "Creating" : "Updating";
    }
    Endpoint e = state.endpoints().get(c.endpointName());
    if (c.firstInService() == null && c.copies().isEmpty() && c.desiredCopies() > 0) {
      return "Creating"; // no copy of it has found room yet
    }
    boolean starting = placement.active(e, c).stream().anyMatch(x -> x.readyAt().isAfter(at));
    boolean rolling = c.batchDoneAt() != null || !placement.superseded(e, c).isEmpty();
    if (starting || rolling) {
      return c.firstInService() == null ? "Creating" : "Updating";
    }
    return "InService";
  }

  /** The state SageMaker names when it refuses a change to a component that is still changing. */
  private static String inProgressState(Component c, String status) {
    return switch (status) {
      case "Creating" -> "CREATE_IN_PROGRESS";
      case "Deleting" -> "DELETE_IN_PROGRESS";
      default -> c.lastChange() + "_IN_PROGRESS";
    };
  }

  /**
   * A change needs the component InService (or Failed: an update is how a failed component is
   * fixed).
   */
  private void requireInService(Component c) {
    String status = componentStatus(c);
    if (!status.equals("InService") && !status.equals("Failed")) {
      throw SageMakerErrors.componentInProgress(
          arn("inference-component", c.name()), inProgressState(c, status));
    }
  }

  @Override
  public synchronized DescribeInferenceComponentResponse describeInferenceComponent(
      DescribeInferenceComponentRequest r) {
    settle();
    return describe(component(r.inferenceComponentName()));
  }

  private DescribeInferenceComponentResponse describe(Component c) {
    if (c.adapter()) {
      return describeAdapter(c);
    }
    InferenceComponentSpecificationSummary.Builder spec =
        InferenceComponentSpecificationSummary.builder()
            .modelName(c.modelName())
            .computeResourceRequirements(
                InferenceComponentComputeResourceRequirements.builder()
                    .numberOfAcceleratorDevicesRequired(c.accelerators())
                    .numberOfCpuCoresRequired(c.cpus())
                    .minMemoryRequiredInMb(c.memoryMb())
                    .build())
            .container(
                InferenceComponentContainerSpecificationSummary.builder()
                    .deployedImage(DeployedImage.builder().specifiedImage(c.image()).build())
                    .environment(c.environment().isEmpty() ? null : c.environment())
                    .build());
    if (c.modelDataDownloadTimeoutSeconds() != null
        || c.containerStartupHealthCheckTimeoutSeconds() != null) {
      spec.startupParameters(
          InferenceComponentStartupParameters.builder()
              .modelDataDownloadTimeoutInSeconds(c.modelDataDownloadTimeoutSeconds())
              .containerStartupHealthCheckTimeoutInSeconds(
                  c.containerStartupHealthCheckTimeoutSeconds())
              .build());
    }
    DescribeInferenceComponentResponse.Builder b =
        DescribeInferenceComponentResponse.builder()
            .inferenceComponentName(c.name())
            .inferenceComponentArn(arn("inference-component", c.name()))
            .endpointName(c.endpointName())
            .endpointArn(arn("endpoint", c.endpointName()))
            .variantName(c.variantName())
            .inferenceComponentStatus(componentStatus(c))
            .specification(spec.build())
            .runtimeConfig(
                InferenceComponentRuntimeConfigSummary.builder()
                    .desiredCopyCount(c.desiredCopies())
                    .currentCopyCount(currentCopies(c))
                    .build())
            .creationTime(c.created())
            .lastModifiedTime(c.modified())
            .failureReason(c.failureReason());
    if (c.dataCache()) {
      spec.dataCacheConfig(
          InferenceComponentDataCacheConfigSummary.builder().enableCaching(true).build());
      b.specification(spec.build());
    }
    if (c.rollingBatchType() != null) {
      b.lastDeploymentConfig(
          InferenceComponentDeploymentConfig.builder()
              .rollingUpdatePolicy(
                  InferenceComponentRollingUpdatePolicy.builder()
                      .maximumBatchSize(
                          InferenceComponentCapacitySize.builder()
                              .type(c.rollingBatchType())
                              .value(c.rollingBatchValue())
                              .build())
                      .waitIntervalInSeconds(c.rollingWaitSeconds())
                      .build())
              .build());
    }
    return b.build();
  }

  /**
   * An adapter as DescribeInferenceComponent shows it: its base and its artifact; no compute
   * resources and no RuntimeConfig (it has no copies of its own: ASSUMED, AWS documents no response
   * for adapters).
   */
  private DescribeInferenceComponentResponse describeAdapter(Component c) {
    return DescribeInferenceComponentResponse.builder()
        .inferenceComponentName(c.name())
        .inferenceComponentArn(arn("inference-component", c.name()))
        .endpointName(c.endpointName())
        .endpointArn(arn("endpoint", c.endpointName()))
        .variantName(c.variantName())
        .inferenceComponentStatus(componentStatus(c))
        .specification(
            InferenceComponentSpecificationSummary.builder()
                .baseInferenceComponentName(c.baseComponentName())
                .container(
                    InferenceComponentContainerSpecificationSummary.builder()
                        .artifactUrl(c.artifactUrl())
                        .build())
                .build())
        .creationTime(c.created())
        .lastModifiedTime(c.modified())
        .failureReason(c.failureReason())
        .build();
  }

  /** Copies serving now (old ones still serve while an update rolls), never more than desired. */
  private int currentCopies(Component c) {
    int serving = (int) c.copies().stream().filter(x -> !x.readyAt().isAfter(now())).count();
    return Math.min(serving, c.desiredCopies());
  }

  @Override
  public synchronized ListInferenceComponentsResponse listInferenceComponents(
      ListInferenceComponentsRequest r) {
    settle();
    List<InferenceComponentSummary> list =
        state.components().values().stream()
            .filter(
                c ->
                    r.endpointNameEquals() == null
                        || c.endpointName().equals(r.endpointNameEquals()))
            .filter(
                c -> r.variantNameEquals() == null || c.variantName().equals(r.variantNameEquals()))
            .filter(c -> r.nameContains() == null || c.name().contains(r.nameContains()))
            .filter(
                c ->
                    r.statusEqualsAsString() == null
                        || componentStatus(c).equals(r.statusEqualsAsString()))
            .map(
                c ->
                    InferenceComponentSummary.builder()
                        .inferenceComponentName(c.name())
                        .inferenceComponentArn(arn("inference-component", c.name()))
                        .endpointName(c.endpointName())
                        .endpointArn(arn("endpoint", c.endpointName()))
                        .variantName(c.variantName())
                        .inferenceComponentStatus(componentStatus(c))
                        .creationTime(c.created())
                        .lastModifiedTime(c.modified())
                        .build())
            .toList();
    return ListInferenceComponentsResponse.builder().inferenceComponents(list).build();
  }

  @Override
  public synchronized UpdateInferenceComponentRuntimeConfigResponse
      updateInferenceComponentRuntimeConfig(UpdateInferenceComponentRuntimeConfigRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    if (c.adapter()) {
      throw adapterHasNoCopies(c);
    }
    Integer copies = r.desiredRuntimeConfig() == null ? null : r.desiredRuntimeConfig().copyCount();
    if (copies == null || copies < 0) {
      throw atLeast("desiredRuntimeConfig.copyCount", copies, 0);
    }
    requireInService(c);
    Endpoint e = state.endpoints().get(c.endpointName());
    requireInService(e);
    c.clearFailure();
    c.setDesiredCopies(copies);
    c.recordChange("UPDATE_RC", now());
    placement.removeSurplus(e, c);
    placement.place(e, now());
    return UpdateInferenceComponentRuntimeConfigResponse.builder()
        .inferenceComponentArn(arn("inference-component", c.name()))
        .build();
  }

  /** A copy count asked of an adapter (ASSUMED wording: AWS documents none). */
  private SageMakerException adapterHasNoCopies(Component c) {
    return validation(
        "Inference component \""
            + arn("inference-component", c.name())
            + "\" is an adapter inference component: it has no copies of its own and is served by"
            + " the copies of its base inference component \""
            + arn("inference-component", c.baseComponentName())
            + "\"; change the base's copy count instead.");
  }

  /**
   * A new specification rolls: new copies start beside the old ones, which keep serving until the
   * new ones do (blue/green by default; batch by batch, each baking for the wait interval, with a
   * rolling update policy).
   */
  @Override
  public synchronized UpdateInferenceComponentResponse updateInferenceComponent(
      UpdateInferenceComponentRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    Integer copies = r.runtimeConfig() == null ? null : r.runtimeConfig().copyCount();
    if (copies != null && copies < 0) {
      throw atLeast("runtimeConfig.copyCount", copies, 0);
    }
    InferenceComponentRollingUpdatePolicy rolling =
        r.deploymentConfig() == null ? null : r.deploymentConfig().rollingUpdatePolicy();
    if (rolling != null) {
      checkRollingPolicy(rolling);
    }
    requireInService(c);
    Endpoint e = state.endpoints().get(c.endpointName());
    if (c.adapter()
        || (r.specification() != null && r.specification().baseInferenceComponentName() != null)) {
      return updateAdapter(c, r, e);
    }
    c.clearFailure();
    if (r.specification() != null) {
      c.respecify(specification(r.specification(), state.endpointConfig(e.configName())));
    }
    if (copies != null) {
      c.setDesiredCopies(copies);
    }
    if (rolling == null) {
      c.setRollingPolicy(null, null, 0, null);
    } else {
      c.setRollingPolicy(
          rolling.maximumBatchSize().typeAsString(),
          rolling.maximumBatchSize().value(),
          rolling.waitIntervalInSeconds(),
          batchCopies(rolling.maximumBatchSize(), c.desiredCopies()));
    }
    c.recordChange("UPDATE", now());
    placement.removeSurplus(e, c);
    placement.place(e, now());
    return UpdateInferenceComponentResponse.builder()
        .inferenceComponentArn(arn("inference-component", c.name()))
        .build();
  }

  /**
   * UpdateInferenceComponent on an adapter: a new artifact is loaded onto its base's copies (the
   * adapter Updating until it is, then serving the new one: AWS's "atomic" adapter update, ML blog,
   * Nov 2024). Its base cannot change, and a component with copies cannot become an adapter
   * (ASSUMED).
   */
  private UpdateInferenceComponentResponse updateAdapter(
      Component c, UpdateInferenceComponentRequest r, Endpoint e) {
    String arn = arn("inference-component", c.name());
    if (!c.adapter()) {
      throw validation(
          "Inference component \""
              + arn
              + "\" hosts a model: it cannot become an adapter inference component; create an"
              + " adapter inference component instead.");
    }
    if (r.runtimeConfig() != null) {
      throw adapterHasNoCopies(c);
    }
    if (r.specification() != null) {
      Spec spec = adapterSpecification(r.specification(), e);
      if (!spec.baseComponentName().equals(c.baseComponentName())) {
        throw validation(
            "The base inference component of adapter inference component \""
                + arn
                + "\" cannot change: create another adapter inference component on \""
                + arn("inference-component", spec.baseComponentName())
                + "\".");
      }
      c.respecify(spec);
      Component base = state.components().get(spec.baseComponentName());
      if (base.firstInService() != null) {
        c.loadAdapter(now().plus(timings.adapterLoad()));
      }
    }
    c.recordChange("UPDATE", now());
    return UpdateInferenceComponentResponse.builder().inferenceComponentArn(arn).build();
  }

  private static void checkRollingPolicy(InferenceComponentRollingUpdatePolicy p) {
    String member = "deploymentConfig.rollingUpdatePolicy.";
    if (p.maximumBatchSize() == null
        || p.maximumBatchSize().value() == null
        || p.maximumBatchSize().typeAsString() == null) {
      throw validation(
          "1 validation error detected: Value null at '"
              + member
              + "maximumBatchSize' failed to satisfy constraint: Member must not be null");
    }
    if (p.maximumBatchSize().value() < 1) {
      throw atLeast(member + "maximumBatchSize.value", p.maximumBatchSize().value(), 1);
    }
    if (p.waitIntervalInSeconds() == null) {
      throw validation(
          "1 validation error detected: Value null at '"
              + member
              + "waitIntervalInSeconds' failed to satisfy constraint: Member must not be null");
    }
    if (p.waitIntervalInSeconds() < 0 || p.waitIntervalInSeconds() > 3600) {
      throw p.waitIntervalInSeconds() < 0
          ? atLeast(member + "waitIntervalInSeconds", p.waitIntervalInSeconds(), 0)
          : atMost(member + "waitIntervalInSeconds", p.waitIntervalInSeconds(), 3600);
    }
    Integer timeout = p.maximumExecutionTimeoutInSeconds();
    if (timeout != null && (timeout < 600 || timeout > 28800)) {
      throw timeout < 600
          ? atLeast(member + "maximumExecutionTimeoutInSeconds", timeout, 600)
          : atMost(member + "maximumExecutionTimeoutInSeconds", timeout, 28800);
    }
  }

  /** Copies per batch: a copy count, or a percentage of the desired copies (at least one). */
  private static int batchCopies(InferenceComponentCapacitySize size, int desired) {
    if ("CAPACITY_PERCENT".equals(size.typeAsString())) {
      return Math.max(1, desired * size.value() / 100);
    }
    return size.value();
  }

  @Override
  public synchronized DeleteInferenceComponentResponse deleteInferenceComponent(
      DeleteInferenceComponentRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    List<String> adapters =
        state.components().values().stream()
            .filter(a -> c.name().equals(a.baseComponentName()) && a.deletingUntil() == null)
            .map(a -> a.name())
            .toList();
    if (!adapters.isEmpty()) {
      // ASSUMED: AWS documents no cascade; refused as DeleteEndpoint with components is.
      throw validation(
          "Cannot delete inference component \""
              + arn("inference-component", c.name())
              + "\" because adapter inference components use it as their base ("
              + String.join(", ", adapters)
              + "); delete them first.");
    }
    if (c.deletingUntil() == null) {
      c.startDeletion(now().plus(timings.componentDeletion()));
    }
    return DeleteInferenceComponentResponse.builder().build();
  }

  // ---- time -------------------------------------------------------------------------------------

  /** Applies the transitions due up to now, in time order. */
  public synchronized void settle() {
    Instant now = now();
    while (true) {
      Optional<Instant> next = nextTransition(state.settledUntil(), now);
      if (next.isEmpty()) {
        break;
      }
      apply(next.get());
      state.settledTo(next.get());
    }
    markInService(now);
    state.settledTo(now);
  }

  /** The earliest stored transition time after {@code after}, if it is due by {@code until}. */
  private Optional<Instant> nextTransition(Instant after, Instant until) {
    TreeSet<Instant> times = new TreeSet<>();
    for (Endpoint e : state.endpoints().values()) {
      e.instances().forEach(i -> times.add(i.readyAt()));
      if (e.deletingUntil() != null) {
        times.add(e.deletingUntil());
      }
    }
    for (Component c : state.components().values()) {
      c.copies().forEach(x -> times.add(x.fails() ? x.failsAt() : x.readyAt()));
      if (c.batchDoneAt() != null) {
        times.add(c.batchDoneAt());
      }
      if (c.deletingUntil() != null) {
        times.add(c.deletingUntil());
      }
      if (c.adapterLoadedAt() != null) {
        times.add(c.adapterLoadedAt());
      }
    }
    return Optional.ofNullable(times.higher(after)).filter(t -> !t.isAfter(until));
  }

  private void apply(Instant at) {
    state.removeDeleted(at);
    for (Component c : state.components().values()) {
      c.copies().stream()
          .filter(x -> x.fails() && !x.failsAt().isAfter(at))
          .findFirst()
          .ifPresent(x -> c.fail(x.failureReason()));
    }
    for (Endpoint e : state.endpoints().values()) {
      for (Component c : placement.componentsOn(e.name())) {
        if (c.batchDoneAt() != null && !c.batchDoneAt().isAfter(at)) {
          placement.finishBatch(e, c);
        }
      }
      placement.place(e, at);
      if (placement.switchFleet(e, at)) {
        placement.place(e, at);
      }
    }
    state.forgetUnusedConfigs();
    markInService(at);
  }

  /** Records when endpoints and components first reach InService (later work is then an update). */
  private void markInService(Instant at) {
    for (Endpoint e : state.endpoints().values()) {
      if (e.firstInService() == null
          && e.deletingUntil() == null
          && e.pendingConfig() == null
          && e.instances().stream().noneMatch(i -> i.readyAt().isAfter(at))) {
        e.markInService(at);
      }
    }
    for (Component c : state.components().values()) {
      if (!c.adapter()
          && c.firstInService() == null
          && componentStatus(c, at).equals("InService")) {
        c.markInService(at);
      }
    }
    // An adapter loads once its base first serves; it serves once loaded.
    for (Component c : state.components().values()) {
      if (c.adapter() && c.adapterLoadedAt() == null && c.deletingUntil() == null) {
        Component base = state.components().get(c.baseComponentName());
        if (base != null && base.firstInService() != null) {
          Instant from =
              base.firstInService().isAfter(c.modified()) ? base.firstInService() : c.modified();
          c.loadAdapter(from.plus(timings.adapterLoad()));
        }
      }
      if (c.adapter() && c.firstInService() == null && componentStatus(c, at).equals("InService")) {
        c.markInService(at);
      }
    }
  }
}

package dev.copyscale.twin;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.twin.SageMakerState.Component;
import dev.copyscale.twin.SageMakerState.Copy;
import dev.copyscale.twin.SageMakerState.Endpoint;
import dev.copyscale.twin.SageMakerState.EndpointConfig;
import dev.copyscale.twin.SageMakerState.Instance;
import dev.copyscale.twin.SageMakerState.Model;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.*;

/**
 * SageMaker in the twin: models, endpoint configs, endpoints with instances, and inference
 * components whose copies are placed on instances with room for their accelerators, CPUs and
 * memory. Copies come up one by one after the image pull (skipped where the instance has the image:
 * container caching) and the model load. With managed instance scaling on, instances are added for
 * copies that do not fit, up to its maximum, and empty ones released down to its minimum; off,
 * such copies stay pending and DescribeInferenceComponent reports fewer current than desired copies.
 *
 * <p>Statuses follow from the facts and the time; the only discrete events are instances becoming
 * ready (pending copies are placed then), endpoint config switches and deletions, which {@link
 * #settle} applies in time order.
 */
public final class SageMakerTwin implements SageMakerClient {
  private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");

  private final Clock clock;
  private final String region;
  private final String account;
  private final TwinTimings timings;
  private final SageMakerState state;

  public SageMakerTwin(Clock clock, String region, String account, TwinTimings timings, SageMakerState state) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.timings = timings;
    this.state = state;
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

  // ---- errors, as SageMaker words them -------------------------------------------------------

  static SageMakerException validation(String message) {
    return (SageMakerException) SageMakerException.builder().message(message).statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").errorMessage(message).serviceName("SageMaker").build())
        .build();
  }

  private static SageMakerException limit(String message) {
    return (SageMakerException) ResourceLimitExceededException.builder().message(message).statusCode(400)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceLimitExceeded").errorMessage(message).serviceName("SageMaker").build())
        .build();
  }

  private String arn(String kind, String name) {
    return "arn:aws:sagemaker:" + region + ":" + account + ":" + kind + "/" + name.toLowerCase();
  }

  private static void checkName(String field, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw validation("1 validation error detected: Value '" + name + "' at '" + field
          + "' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
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
    Model m = state.models.get(name);
    if (m == null) {
      throw validation("Could not find model \"" + arn("model", String.valueOf(name)) + "\".");
    }
    return m;
  }

  private EndpointConfig config(String name) {
    EndpointConfig c = state.endpointConfigs.get(name);
    if (c == null) {
      throw validation("Could not find endpoint configuration \"" + arn("endpoint-config", String.valueOf(name)) + "\".");
    }
    return c;
  }

  private Endpoint endpoint(String name) {
    Endpoint e = state.endpoints.get(name);
    if (e == null) {
      throw validation("Could not find endpoint \"" + arn("endpoint", String.valueOf(name)) + "\".");
    }
    return e;
  }

  private Component component(String name) {
    Component c = state.components.get(name);
    if (c == null) {
      throw validation("Could not find inference component \"" + arn("inference-component", String.valueOf(name)) + "\".");
    }
    return c;
  }

  private static InstanceType instanceType(String name) {
    return Catalog.bundled().instanceType(name).orElseThrow(() -> validation(
        "The twin does not know instance type " + name + " (it is not in copyscale's catalog, so its GPUs, CPUs and memory are unknown)."));
  }

  // ---- models ---------------------------------------------------------------------------------

  @Override
  public synchronized CreateModelResponse createModel(CreateModelRequest r) {
    settle();
    checkName("modelName", r.modelName());
    if (state.models.containsKey(r.modelName())) {
      throw validation("Cannot create already existing model \"" + arn("model", r.modelName()) + "\".");
    }
    if (r.primaryContainer() == null || r.primaryContainer().image() == null) {
      throw validation("1 validation error detected: a PrimaryContainer with an Image is required.");
    }
    Model m = new Model();
    m.name = r.modelName();
    m.image = r.primaryContainer().image();
    m.environment = new TreeMap<>(r.primaryContainer().environment());
    m.executionRoleArn = r.executionRoleArn();
    m.created = now();
    m.tags = tags(r.tags());
    state.models.put(m.name, m);
    return CreateModelResponse.builder().modelArn(arn("model", m.name)).build();
  }

  @Override
  public synchronized DescribeModelResponse describeModel(DescribeModelRequest r) {
    Model m = model(r.modelName());
    // The environment holds the token of gated models: the twin, like the AWS console, shows it only to who asks for the model.
    return DescribeModelResponse.builder().modelName(m.name).modelArn(arn("model", m.name)).executionRoleArn(m.executionRoleArn)
        .primaryContainer(ContainerDefinition.builder().image(m.image).environment(m.environment).build()).creationTime(m.created).build();
  }

  @Override
  public synchronized ListModelsResponse listModels(ListModelsRequest r) {
    List<ModelSummary> models = state.models.values().stream()
        .filter(m -> r.nameContains() == null || m.name.contains(r.nameContains()))
        .map(m -> ModelSummary.builder().modelName(m.name).modelArn(arn("model", m.name)).creationTime(m.created).build()).toList();
    return ListModelsResponse.builder().models(models).build();
  }

  @Override
  public synchronized DeleteModelResponse deleteModel(DeleteModelRequest r) {
    model(r.modelName());
    state.models.remove(r.modelName());
    return DeleteModelResponse.builder().build();
  }

  // ---- endpoint configs -----------------------------------------------------------------------

  @Override
  public synchronized CreateEndpointConfigResponse createEndpointConfig(CreateEndpointConfigRequest r) {
    checkName("endpointConfigName", r.endpointConfigName());
    if (state.endpointConfigs.containsKey(r.endpointConfigName())) {
      throw validation("Cannot create already existing endpoint configuration \"" + arn("endpoint-config", r.endpointConfigName()) + "\".");
    }
    if (r.productionVariants().size() != 1) {
      throw validation("The twin models endpoint configs with exactly one production variant; got " + r.productionVariants().size() + ".");
    }
    ProductionVariant v = r.productionVariants().get(0);
    if (v.modelName() == null && r.executionRoleArn() == null) {
      throw validation("An endpoint configuration for inference components (no ModelName on its variant) needs an ExecutionRoleArn.");
    }
    if (v.modelName() != null) {
      throw validation("The twin hosts inference components only: the variant must not name a model.");
    }
    instanceType(v.instanceTypeAsString());
    if (v.initialInstanceCount() == null || v.initialInstanceCount() < 1) {
      throw validation("1 validation error detected: Value '" + v.initialInstanceCount() + "' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }
    EndpointConfig c = new EndpointConfig();
    c.name = r.endpointConfigName();
    c.executionRoleArn = r.executionRoleArn();
    c.variantName = v.variantName();
    c.instanceType = v.instanceTypeAsString();
    c.initialInstanceCount = v.initialInstanceCount();
    ProductionVariantManagedInstanceScaling mis = v.managedInstanceScaling();
    c.managedInstanceScaling = mis != null && "ENABLED".equals(mis.statusAsString());
    if (c.managedInstanceScaling) {
      c.minInstances = mis.minInstanceCount() == null ? 1 : mis.minInstanceCount();
      c.maxInstances = mis.maxInstanceCount() == null ? c.initialInstanceCount : mis.maxInstanceCount();
      if (c.minInstances > c.maxInstances || c.initialInstanceCount > c.maxInstances) {
        throw validation("ManagedInstanceScaling: MinInstanceCount " + c.minInstances + " and InitialInstanceCount " + c.initialInstanceCount
            + " must not exceed MaxInstanceCount " + c.maxInstances + ".");
      }
    }
    c.routing = v.routingConfig() == null ? "RANDOM" : v.routingConfig().routingStrategyAsString();
    c.created = now();
    c.tags = tags(r.tags());
    state.endpointConfigs.put(c.name, c);
    return CreateEndpointConfigResponse.builder().endpointConfigArn(arn("endpoint-config", c.name)).build();
  }

  @Override
  public synchronized DescribeEndpointConfigResponse describeEndpointConfig(DescribeEndpointConfigRequest r) {
    EndpointConfig c = config(r.endpointConfigName());
    return DescribeEndpointConfigResponse.builder().endpointConfigName(c.name).endpointConfigArn(arn("endpoint-config", c.name))
        .executionRoleArn(c.executionRoleArn).productionVariants(variant(c)).creationTime(c.created).build();
  }

  private static ProductionVariant variant(EndpointConfig c) {
    ProductionVariant.Builder v = ProductionVariant.builder().variantName(c.variantName).instanceType(c.instanceType)
        .initialInstanceCount(c.initialInstanceCount).routingConfig(ProductionVariantRoutingConfig.builder().routingStrategy(c.routing).build());
    if (c.managedInstanceScaling) {
      v.managedInstanceScaling(ProductionVariantManagedInstanceScaling.builder().status("ENABLED").minInstanceCount(c.minInstances).maxInstanceCount(c.maxInstances).build());
    }
    return v.build();
  }

  @Override
  public synchronized ListEndpointConfigsResponse listEndpointConfigs(ListEndpointConfigsRequest r) {
    List<EndpointConfigSummary> configs = state.endpointConfigs.values().stream()
        .filter(c -> r.nameContains() == null || c.name.contains(r.nameContains()))
        .map(c -> EndpointConfigSummary.builder().endpointConfigName(c.name).endpointConfigArn(arn("endpoint-config", c.name)).creationTime(c.created).build()).toList();
    return ListEndpointConfigsResponse.builder().endpointConfigs(configs).build();
  }

  @Override
  public synchronized DeleteEndpointConfigResponse deleteEndpointConfig(DeleteEndpointConfigRequest r) {
    config(r.endpointConfigName());
    state.endpointConfigs.remove(r.endpointConfigName());
    return DeleteEndpointConfigResponse.builder().build();
  }

  // ---- endpoints ------------------------------------------------------------------------------

  private Instance newInstance(String type, Instant readyAt) {
    Instance i = new Instance();
    i.id = "i-" + String.format("%06d", state.nextId++);
    i.instanceType = type;
    i.readyAt = readyAt;
    return i;
  }

  @Override
  public synchronized CreateEndpointResponse createEndpoint(CreateEndpointRequest r) {
    settle();
    checkName("endpointName", r.endpointName());
    if (state.endpoints.containsKey(r.endpointName())) {
      throw validation("Cannot create already existing endpoint \"" + arn("endpoint", r.endpointName()) + "\".");
    }
    EndpointConfig c = config(r.endpointConfigName());
    Endpoint e = new Endpoint();
    e.name = r.endpointName();
    e.configName = c.name;
    e.created = now();
    e.modified = now();
    e.tags = tags(r.tags());
    for (int i = 0; i < c.initialInstanceCount; i++) {
      e.instances.add(newInstance(c.instanceType, now().plus(timings.instanceProvisioning())));
    }
    state.endpoints.put(e.name, e);
    return CreateEndpointResponse.builder().endpointArn(arn("endpoint", e.name)).build();
  }

  /** EndpointStatus at the current time. */
  String endpointStatus(Endpoint e) {
    if (e.deletingUntil != null) {
      return "Deleting";
    }
    boolean provisioning = e.pendingConfig != null || e.instances.stream().anyMatch(i -> i.readyAt.isAfter(now()));
    if (!provisioning) {
      return "InService";
    }
    boolean everServed = !e.created.plus(timings.instanceProvisioning()).isAfter(now());
    return everServed ? "Updating" : "Creating";
  }

  @Override
  public synchronized DescribeEndpointResponse describeEndpoint(DescribeEndpointRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    EndpointConfig c = state.endpointConfigs.get(e.configName);
    int ready = (int) e.instances.stream().filter(i -> !i.readyAt.isAfter(now())).count();
    ProductionVariantSummary.Builder v = ProductionVariantSummary.builder().variantName(c == null ? "AllTraffic" : c.variantName)
        .currentInstanceCount(ready).desiredInstanceCount(e.instances.size());
    if (c != null && c.managedInstanceScaling) {
      v.managedInstanceScaling(ProductionVariantManagedInstanceScaling.builder().status("ENABLED").minInstanceCount(c.minInstances).maxInstanceCount(c.maxInstances).build());
      v.routingConfig(ProductionVariantRoutingConfig.builder().routingStrategy(c.routing).build());
    } else if (c != null) {
      v.routingConfig(ProductionVariantRoutingConfig.builder().routingStrategy(c.routing).build());
    }
    return DescribeEndpointResponse.builder().endpointName(e.name).endpointArn(arn("endpoint", e.name)).endpointConfigName(e.configName)
        .endpointStatus(endpointStatus(e)).productionVariants(v.build()).creationTime(e.created).lastModifiedTime(e.modified).build();
  }

  @Override
  public synchronized ListEndpointsResponse listEndpoints(ListEndpointsRequest r) {
    settle();
    List<EndpointSummary> endpoints = state.endpoints.values().stream()
        .filter(e -> r.nameContains() == null || e.name.contains(r.nameContains()))
        .map(e -> EndpointSummary.builder().endpointName(e.name).endpointArn(arn("endpoint", e.name)).endpointStatus(endpointStatus(e))
            .creationTime(e.created).lastModifiedTime(e.modified).build()).toList();
    return ListEndpointsResponse.builder().endpoints(endpoints).build();
  }

  @Override
  public synchronized UpdateEndpointResponse updateEndpoint(UpdateEndpointRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    if (!endpointStatus(e).equals("InService")) {
      throw validation("Cannot update in-progress endpoint \"" + arn("endpoint", e.name) + "\".");
    }
    EndpointConfig c = config(r.endpointConfigName());
    e.pendingConfig = c.name;
    e.switchAt = now().plus(timings.instanceProvisioning());
    e.modified = now();
    return UpdateEndpointResponse.builder().endpointArn(arn("endpoint", e.name)).build();
  }

  @Override
  public synchronized UpdateEndpointWeightsAndCapacitiesResponse updateEndpointWeightsAndCapacities(UpdateEndpointWeightsAndCapacitiesRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    if (!endpointStatus(e).equals("InService")) {
      throw validation("Cannot update in-progress endpoint \"" + arn("endpoint", e.name) + "\".");
    }
    EndpointConfig c = state.endpointConfigs.get(e.configName);
    for (DesiredWeightAndCapacity d : r.desiredWeightsAndCapacities()) {
      if (!d.variantName().equals(c.variantName)) {
        throw validation("The variant(s) \"[" + d.variantName() + "]\" are not present in the endpoint \"" + e.name + "\".");
      }
      if (d.desiredInstanceCount() == null) {
        continue;
      }
      int desired = d.desiredInstanceCount();
      if (desired < 0) {
        throw validation("1 validation error detected: DesiredInstanceCount must be greater than or equal to 0.");
      }
      while (e.instances.size() < desired) {
        e.instances.add(newInstance(c.instanceType, now().plus(timings.instanceProvisioning())));
      }
      if (e.instances.size() > desired) {
        removeInstances(e, e.instances.size() - desired);
      }
    }
    e.modified = now();
    return UpdateEndpointWeightsAndCapacitiesResponse.builder().endpointArn(arn("endpoint", e.name)).build();
  }

  /** Removes instances, emptiest and newest first; copies on them are lost and placed again. */
  private void removeInstances(Endpoint e, int count) {
    List<Instance> order = new ArrayList<>(e.instances);
    order.sort(Comparator.comparingInt((Instance i) -> copiesOn(e, i.id)).thenComparing((Instance i) -> i.readyAt, Comparator.reverseOrder()));
    for (Instance gone : order.subList(0, count)) {
      e.instances.remove(gone);
      for (Component c : componentsOn(e.name)) {
        c.copies.removeIf(copy -> copy.instanceId.equals(gone.id));
      }
    }
    placePending(e, now());
  }

  @Override
  public synchronized DeleteEndpointResponse deleteEndpoint(DeleteEndpointRequest r) {
    settle();
    Endpoint e = endpoint(r.endpointName());
    if (!componentsOn(e.name).isEmpty()) {
      throw validation("Cannot delete endpoint \"" + arn("endpoint", e.name) + "\" because it has inference components; delete them first.");
    }
    if (e.deletingUntil == null) {
      e.deletingUntil = now().plus(timings.endpointDeletion());
    }
    return DeleteEndpointResponse.builder().build();
  }

  // ---- inference components -------------------------------------------------------------------

  private List<Component> componentsOn(String endpoint) {
    return state.components.values().stream().filter(c -> c.endpointName.equals(endpoint)).toList();
  }

  private int copiesOn(Endpoint e, String instanceId) {
    return componentsOn(e.name).stream().mapToInt(c -> (int) c.copies.stream().filter(x -> x.instanceId.equals(instanceId)).count()).sum();
  }

  @Override
  public synchronized CreateInferenceComponentResponse createInferenceComponent(CreateInferenceComponentRequest r) {
    settle();
    checkName("inferenceComponentName", r.inferenceComponentName());
    if (state.components.containsKey(r.inferenceComponentName())) {
      throw validation("Cannot create already existing inference component \"" + arn("inference-component", r.inferenceComponentName()) + "\".");
    }
    Endpoint e = endpoint(r.endpointName());
    if (!endpointStatus(e).equals("InService")) {
      throw validation("Endpoint \"" + arn("endpoint", e.name) + "\" is not in InService status (it is " + endpointStatus(e) + ").");
    }
    EndpointConfig config = state.endpointConfigs.get(e.configName);
    if (r.variantName() != null && !r.variantName().equals(config.variantName)) {
      throw validation("Variant \"" + r.variantName() + "\" does not exist on endpoint \"" + e.name + "\".");
    }
    InferenceComponentSpecification spec = r.specification();
    if (spec == null || spec.modelName() == null || spec.computeResourceRequirements() == null) {
      throw validation("1 validation error detected: Specification with ModelName and ComputeResourceRequirements is required.");
    }
    model(spec.modelName());
    int copies = r.runtimeConfig() == null || r.runtimeConfig().copyCount() == null ? -1 : r.runtimeConfig().copyCount();
    if (copies < 1) {
      // Reported behaviour (DESIGN.md): creating with 0 copies is refused although the API model allows it.
      throw validation("1 validation error detected: Value '" + copies + "' at 'runtimeConfig.copyCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }
    Component c = new Component();
    c.name = r.inferenceComponentName();
    c.endpointName = e.name;
    c.variantName = config.variantName;
    c.created = now();
    c.modified = now();
    c.tags = tags(r.tags());
    applySpecification(c, spec, config);
    c.desiredCopies = copies;
    state.components.put(c.name, c);
    placePending(e, now());
    return CreateInferenceComponentResponse.builder().inferenceComponentArn(arn("inference-component", c.name)).build();
  }

  private void applySpecification(Component c, InferenceComponentSpecification spec, EndpointConfig config) {
    InferenceComponentComputeResourceRequirements need = spec.computeResourceRequirements();
    InstanceType type = instanceType(config.instanceType);
    float accelerators = need.numberOfAcceleratorDevicesRequired() == null ? 0 : need.numberOfAcceleratorDevicesRequired();
    float cpus = need.numberOfCpuCoresRequired() == null ? 0 : need.numberOfCpuCoresRequired();
    int memory = need.minMemoryRequiredInMb() == null ? 0 : need.minMemoryRequiredInMb();
    if (memory < 128) {
      throw validation("1 validation error detected: MinMemoryRequiredInMb must be at least 128.");
    }
    if (accelerators > type.gpuCount() || cpus > type.vcpus() || memory > type.memoryMb()) {
      throw validation("The compute resource requirements of one copy (" + accelerators + " accelerators, " + cpus + " CPUs, " + memory
          + " MiB) exceed what a " + type.name() + " has (" + type.gpuCount() + ", " + type.vcpus() + ", " + type.memoryMb() + ").");
    }
    InferenceComponentStartupParameters startup = spec.startupParameters();
    if (startup != null) {
      for (Integer timeout : new Integer[] {startup.modelDataDownloadTimeoutInSeconds(), startup.containerStartupHealthCheckTimeoutInSeconds()}) {
        if (timeout != null && (timeout < 60 || timeout > 3600)) {
          throw validation("1 validation error detected: startup timeouts must be between 60 and 3600 seconds; got " + timeout + ".");
        }
      }
      c.modelDataDownloadTimeoutSeconds = startup.modelDataDownloadTimeoutInSeconds();
      c.containerStartupHealthCheckTimeoutSeconds = startup.containerStartupHealthCheckTimeoutInSeconds();
    }
    c.modelName = spec.modelName();
    c.accelerators = accelerators;
    c.cpus = cpus;
    c.memoryMb = memory;
  }

  /** InferenceComponentStatus at the current time. */
  String componentStatus(Component c) {
    if (c.deletingUntil != null) {
      return "Deleting";
    }
    boolean starting = c.copies.stream().anyMatch(x -> x.readyAt.isAfter(now()));
    boolean waitingForRoom = c.copies.size() < c.desiredCopies && roomMayCome(c);
    if (starting || waitingForRoom) {
      return c.firstInService == null ? "Creating" : "Updating";
    }
    return "InService";
  }

  /** Whether copies that do not fit now may fit later: instances are still coming, or may be added. */
  private boolean roomMayCome(Component c) {
    Endpoint e = state.endpoints.get(c.endpointName);
    EndpointConfig config = state.endpointConfigs.get(e.configName);
    boolean provisioning = e.instances.stream().anyMatch(i -> i.readyAt.isAfter(now()));
    return provisioning || (config.managedInstanceScaling && e.instances.size() < config.maxInstances);
  }

  @Override
  public synchronized DescribeInferenceComponentResponse describeInferenceComponent(DescribeInferenceComponentRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    return describe(c);
  }

  private DescribeInferenceComponentResponse describe(Component c) {
    Model model = state.models.get(c.modelName);
    int current = (int) c.copies.stream().filter(x -> !x.readyAt.isAfter(now())).count();
    InferenceComponentSpecificationSummary.Builder spec = InferenceComponentSpecificationSummary.builder().modelName(c.modelName)
        .computeResourceRequirements(InferenceComponentComputeResourceRequirements.builder().numberOfAcceleratorDevicesRequired(c.accelerators)
            .numberOfCpuCoresRequired(c.cpus).minMemoryRequiredInMb(c.memoryMb).build());
    if (c.modelDataDownloadTimeoutSeconds != null || c.containerStartupHealthCheckTimeoutSeconds != null) {
      spec.startupParameters(InferenceComponentStartupParameters.builder().modelDataDownloadTimeoutInSeconds(c.modelDataDownloadTimeoutSeconds)
          .containerStartupHealthCheckTimeoutInSeconds(c.containerStartupHealthCheckTimeoutSeconds).build());
    }
    if (model != null) {
      spec.container(InferenceComponentContainerSpecificationSummary.builder().deployedImage(DeployedImage.builder().specifiedImage(model.image).build()).build());
    }
    return DescribeInferenceComponentResponse.builder().inferenceComponentName(c.name).inferenceComponentArn(arn("inference-component", c.name))
        .endpointName(c.endpointName).endpointArn(arn("endpoint", c.endpointName)).variantName(c.variantName)
        .inferenceComponentStatus(componentStatus(c)).specification(spec.build())
        .runtimeConfig(InferenceComponentRuntimeConfigSummary.builder().desiredCopyCount(c.desiredCopies).currentCopyCount(current).build())
        .creationTime(c.created).lastModifiedTime(c.modified).build();
  }

  @Override
  public synchronized ListInferenceComponentsResponse listInferenceComponents(ListInferenceComponentsRequest r) {
    settle();
    List<InferenceComponentSummary> list = state.components.values().stream()
        .filter(c -> r.endpointNameEquals() == null || c.endpointName.equals(r.endpointNameEquals()))
        .filter(c -> r.nameContains() == null || c.name.contains(r.nameContains()))
        .filter(c -> r.statusEqualsAsString() == null || componentStatus(c).equals(r.statusEqualsAsString()))
        .map(c -> InferenceComponentSummary.builder().inferenceComponentName(c.name).inferenceComponentArn(arn("inference-component", c.name))
            .endpointName(c.endpointName).endpointArn(arn("endpoint", c.endpointName)).variantName(c.variantName)
            .inferenceComponentStatus(componentStatus(c)).creationTime(c.created).lastModifiedTime(c.modified).build()).toList();
    return ListInferenceComponentsResponse.builder().inferenceComponents(list).build();
  }

  @Override
  public synchronized UpdateInferenceComponentRuntimeConfigResponse updateInferenceComponentRuntimeConfig(UpdateInferenceComponentRuntimeConfigRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    String status = componentStatus(c);
    if (!status.equals("InService")) {
      throw validation("Inference component \"" + arn("inference-component", c.name) + "\" is " + status
          + ": an update is already in progress; retry when it is InService.");
    }
    Integer copies = r.desiredRuntimeConfig() == null ? null : r.desiredRuntimeConfig().copyCount();
    if (copies == null || copies < 0) {
      throw validation("1 validation error detected: Value '" + copies + "' at 'desiredRuntimeConfig.copyCount' failed to satisfy constraint: Member must have value greater than or equal to 0");
    }
    c.desiredCopies = copies;
    c.modified = now();
    removeSurplus(c);
    placePending(state.endpoints.get(c.endpointName), now());
    return UpdateInferenceComponentRuntimeConfigResponse.builder().inferenceComponentArn(arn("inference-component", c.name)).build();
  }

  @Override
  public synchronized UpdateInferenceComponentResponse updateInferenceComponent(UpdateInferenceComponentRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    String status = componentStatus(c);
    if (!status.equals("InService")) {
      throw validation("Inference component \"" + arn("inference-component", c.name) + "\" is " + status + ": an update is already in progress.");
    }
    Endpoint e = state.endpoints.get(c.endpointName);
    if (r.specification() != null) {
      model(r.specification().modelName());
      applySpecification(c, r.specification(), state.endpointConfigs.get(e.configName));
      // Every copy is replaced by one of the new specification (the image may be new to the instances).
      c.copies.clear();
    }
    if (r.runtimeConfig() != null && r.runtimeConfig().copyCount() != null) {
      c.desiredCopies = r.runtimeConfig().copyCount();
    }
    c.modified = now();
    placePending(e, now());
    return UpdateInferenceComponentResponse.builder().inferenceComponentArn(arn("inference-component", c.name)).build();
  }

  @Override
  public synchronized DeleteInferenceComponentResponse deleteInferenceComponent(DeleteInferenceComponentRequest r) {
    settle();
    Component c = component(r.inferenceComponentName());
    if (c.deletingUntil == null) {
      c.deletingUntil = now().plus(timings.componentDeletion());
      c.desiredCopies = 0;
    }
    return DeleteInferenceComponentResponse.builder().build();
  }

  // ---- placement and time -----------------------------------------------------------------------

  /** Drops copies beyond the desired count: still-starting ones first, then the newest. */
  private void removeSurplus(Component c) {
    c.copies.sort(Comparator.comparing((Copy x) -> x.readyAt));
    while (c.copies.size() > c.desiredCopies) {
      c.copies.remove(c.copies.size() - 1);
    }
  }

  /** Free accelerators, CPUs and memory on an instance. */
  private double[] free(Endpoint e, Instance i) {
    InstanceType type = instanceType(i.instanceType);
    double[] free = {type.gpuCount(), type.vcpus(), type.memoryMb()};
    for (Component c : componentsOn(e.name)) {
      long here = c.copies.stream().filter(x -> x.instanceId.equals(i.id)).count();
      free[0] -= here * c.accelerators;
      free[1] -= here * c.cpus;
      free[2] -= here * c.memoryMb;
    }
    return free;
  }

  /**
   * Places every component's missing copies at {@code at}: on instances with room (ready ones
   * first); with managed instance scaling, adds instances for what does not fit, up to its maximum;
   * releases empty instances above its minimum.
   */
  private void placePending(Endpoint e, Instant at) {
    if (e == null || e.deletingUntil != null) {
      return;
    }
    EndpointConfig config = state.endpointConfigs.get(e.configName);
    for (Component c : componentsOn(e.name)) {
      if (c.deletingUntil != null) {
        continue;
      }
      Model model = state.models.get(c.modelName);
      int started = 0;
      while (c.copies.size() < c.desiredCopies) {
        Optional<Instance> room = e.instances.stream()
            .sorted(Comparator.comparing((Instance i) -> i.readyAt))
            .filter(i -> fits(free(e, i), c)).findFirst();
        if (room.isEmpty() && config.managedInstanceScaling && e.instances.size() < config.maxInstances) {
          Instance added = newInstance(config.instanceType, at.plus(timings.instanceProvisioning()));
          e.instances.add(added);
          room = Optional.of(added);
        }
        if (room.isEmpty()) {
          break;
        }
        Instance host = room.get();
        Instant start = host.readyAt.isAfter(at) ? host.readyAt : at;
        Instant imageReady = host.images.get(model.image);
        if (imageReady == null) {
          imageReady = start.plus(timings.imagePull());
          host.images.put(model.image, imageReady);
        }
        Instant loadFrom = imageReady.isAfter(start) ? imageReady : start;
        Copy copy = new Copy();
        copy.id = c.name + "-copy-" + state.nextId++;
        copy.instanceId = host.id;
        copy.readyAt = loadFrom.plus(timings.modelLoad()).plus(timings.copyStagger().multipliedBy(started++));
        c.copies.add(copy);
      }
    }
    if (config.managedInstanceScaling) {
      List<Instance> empty = e.instances.stream().filter(i -> copiesOn(e, i.id) == 0 && !i.readyAt.isAfter(at)).toList();
      for (Instance i : empty) {
        if (e.instances.size() <= Math.max(1, config.minInstances)) {
          break;
        }
        e.instances.remove(i);
      }
    }
  }

  private static boolean fits(double[] free, Component c) {
    return free[0] >= c.accelerators && free[1] >= c.cpus && free[2] >= c.memoryMb;
  }

  /** Applies the transitions due up to now, in time order. */
  public synchronized void settle() {
    Instant now = now();
    while (true) {
      Optional<Instant> next = nextEvent(state.settledUntil, now);
      if (next.isEmpty()) {
        break;
      }
      apply(next.get());
      state.settledUntil = next.get();
    }
    for (Component c : state.components.values()) {
      if (c.firstInService == null && c.deletingUntil == null && componentStatus(c).equals("InService")) {
        c.firstInService = now;
      }
    }
    state.settledUntil = now;
  }

  private Optional<Instant> nextEvent(Instant after, Instant until) {
    TreeSet<Instant> times = new TreeSet<>();
    for (Endpoint e : state.endpoints.values()) {
      e.instances.forEach(i -> times.add(i.readyAt));
      if (e.switchAt != null) {
        times.add(e.switchAt);
      }
      if (e.deletingUntil != null) {
        times.add(e.deletingUntil);
      }
    }
    for (Component c : state.components.values()) {
      c.copies.forEach(x -> times.add(x.readyAt));
      if (c.deletingUntil != null) {
        times.add(c.deletingUntil);
      }
    }
    return Optional.ofNullable(times.higher(after)).filter(t -> !t.isAfter(until));
  }

  private void apply(Instant at) {
    state.components.values().removeIf(c -> c.deletingUntil != null && !c.deletingUntil.isAfter(at));
    state.endpoints.values().removeIf(e -> e.deletingUntil != null && !e.deletingUntil.isAfter(at));
    for (Endpoint e : state.endpoints.values()) {
      if (e.switchAt != null && !e.switchAt.isAfter(at)) {
        switchConfig(e, at);
      }
    }
    for (Component c : state.components.values()) {
      if (c.firstInService == null && c.deletingUntil == null && !c.copies.isEmpty() && c.copies.size() == c.desiredCopies
          && c.copies.stream().noneMatch(x -> x.readyAt.isAfter(at))) {
        c.firstInService = at;
      }
    }
    for (Endpoint e : state.endpoints.values()) {
      placePending(e, at);
    }
  }

  /** An UpdateEndpoint completes: new instances of the new config take over and copies move to them. */
  private void switchConfig(Endpoint e, Instant at) {
    EndpointConfig next = state.endpointConfigs.get(e.pendingConfig);
    int count = Math.max(next.initialInstanceCount, e.instances.size());
    e.instances.clear();
    for (int i = 0; i < count; i++) {
      e.instances.add(newInstance(next.instanceType, at));
    }
    e.configName = next.name;
    e.pendingConfig = null;
    e.switchAt = null;
    e.modified = at;
    for (Component c : componentsOn(e.name)) {
      c.copies.clear();
      c.variantName = next.variantName;
    }
  }
}

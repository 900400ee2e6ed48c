package dev.copyscale.aws.observe;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentRuntimeConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * A target's live capacity, as SageMaker and Application Auto Scaling report it: the endpoint's
 * variant, the inference component's copies, and the scalable target's bounds (three reads).
 */
public final class LiveCapacityReader {
  private final Clients aws;

  public LiveCapacityReader(Clients aws) {
    this.aws = aws;
  }

  /** One invocation's view of one target, read once and again only after a write. */
  public LiveView view(DeploymentSpec spec) {
    return new LiveView(this, spec);
  }

  /**
   * The copies of the component a member view ({@link DeploymentSpec#member}) names: one read, for
   * the arbiter, which needs every sibling's copies but none of their bounds.
   */
  public ComponentCopies copies(DeploymentSpec member) {
    InferenceComponentRuntimeConfigSummary runtime =
        aws.sageMaker()
            .describeInferenceComponent(
                b -> b.inferenceComponentName(ResourceNames.of(member).component()))
            .runtimeConfig();
    return runtime == null
        ? new ComponentCopies(0, 0)
        : new ComponentCopies(
            runtime.desiredCopyCount() == null ? 0 : runtime.desiredCopyCount(),
            runtime.currentCopyCount() == null ? 0 : runtime.currentCopyCount());
  }

  /**
   * The bounds of the component a member view names, as its scalable target holds them (its
   * schedules and an operator's override move them); the spec's own when it has no target (one
   * read, for the arbiter, which holds every sibling's minimum).
   */
  public Bounds bounds(DeploymentSpec member) {
    return scalableTarget(ResourceNames.of(member))
        .map(t -> new Bounds(t.minCapacity(), t.maxCapacity()))
        .orElseGet(
            () -> new Bounds(member.scaling().minCapacity(), member.scaling().maxCapacity()));
  }

  /** The target's scalable target in Application Auto Scaling, if it is registered. */
  private Optional<ScalableTarget> scalableTarget(ResourceNames names) {
    return aws
        .autoScaling()
        .describeScalableTargets(
            b ->
                b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceIds(names.scalableResourceId())
                    .scalableDimension(names.scalableDimension()))
        .scalableTargets()
        .stream()
        .findFirst();
  }

  /**
   * @throws IllegalStateException naming what is missing
   */
  public LiveCapacity read(DeploymentSpec spec) {
    ResourceNames names = ResourceNames.of(spec);
    DescribeEndpointResponse endpoint =
        aws.sageMaker().describeEndpoint(b -> b.endpointName(names.endpoint()));
    ProductionVariantSummary variant =
        endpoint.productionVariants().stream()
            .filter(v -> v.variantName().equals(names.variant()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "endpoint " + names.endpoint() + " has no variant " + names.variant()));
    int instances =
        variant.desiredInstanceCount() != null
            ? variant.desiredInstanceCount()
            : variant.currentInstanceCount() == null ? 0 : variant.currentInstanceCount();
    DescribeInferenceComponentResponse component =
        aws.sageMaker()
            .describeInferenceComponent(b -> b.inferenceComponentName(names.component()));
    InferenceComponentRuntimeConfigSummary runtime = component.runtimeConfig();
    int copies =
        runtime == null || runtime.desiredCopyCount() == null ? 0 : runtime.desiredCopyCount();
    int serving =
        runtime == null || runtime.currentCopyCount() == null ? 0 : runtime.currentCopyCount();
    ScalableTarget target =
        scalableTarget(names)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "scalable target "
                            + names.scalableResourceId()
                            + " is not registered; deploy "
                            + spec.name()
                            + " first"));
    int capacity = spec.scaling().dimension() == Dimension.COPIES ? copies : instances;
    return new LiveCapacity(
        capacity,
        target.minCapacity(),
        target.maxCapacity(),
        instances,
        Optional.ofNullable(component.inferenceComponentStatusAsString()),
        endpoint.endpointStatusAsString(),
        serving);
  }
}

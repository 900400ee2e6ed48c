package dev.copyscale.aws.scaling;

import dev.copyscale.aws.clients.Clients;
import dev.copyscale.scaling.LiveCapacity;

import dev.copyscale.aws.calls.Pause;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.state.LedgerEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentRuntimeConfig;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * Reads a target's live capacity and writes a decided capacity, shared by step and scheduled
 * scaling. When managed instance scaling is off and copyscale scales copies, the variant's instances
 * follow: raised before copies are added, lowered after copies are removed, within
 * guardrails.maxInstances. A change SageMaker refuses because another is in progress is retried
 * with backoff, never dropped.
 */
public final class CapacityWriter {
  static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30));

  private final Clients aws;
  private final Pause pause;

  public CapacityWriter(Clients aws, Pause pause) {
    this.aws = aws;
    this.pause = pause;
  }

  /** Live capacity; throws IllegalStateException naming what is missing. */
  public LiveCapacity read(DeploymentSpec spec) {
    ResourceNames names = ResourceNames.of(spec);
    DescribeEndpointResponse endpoint = aws.sageMaker().describeEndpoint(b -> b.endpointName(names.endpoint()));
    ProductionVariantSummary variant = endpoint.productionVariants().stream()
        .filter(v -> v.variantName().equals(names.variant())).findFirst()
        .orElseThrow(() -> new IllegalStateException("endpoint " + names.endpoint() + " has no variant " + names.variant()));
    int instances = variant.desiredInstanceCount() != null ? variant.desiredInstanceCount()
        : variant.currentInstanceCount() == null ? 0 : variant.currentInstanceCount();
    DescribeInferenceComponentResponse component = aws.sageMaker().describeInferenceComponent(b -> b.inferenceComponentName(names.component()));
    int copies = component.runtimeConfig() == null || component.runtimeConfig().desiredCopyCount() == null ? 0 : component.runtimeConfig().desiredCopyCount();
    ScalableTarget target = aws.autoScaling().describeScalableTargets(b -> b.serviceNamespace(ServiceNamespace.SAGEMAKER)
            .resourceIds(names.scalableResourceId()).scalableDimension(names.scalableDimension()))
        .scalableTargets().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("scalable target " + names.scalableResourceId() + " is not registered; deploy " + spec.name() + " first"));
    int capacity = spec.scaling().dimension() == Dimension.COPIES ? copies : instances;
    return new LiveCapacity(capacity, target.minCapacity(), target.maxCapacity(), instances, Optional.ofNullable(component.inferenceComponentStatusAsString()));
  }

  /** Instances {@code copies} need when copyscale manages them; empty when SageMaker or the dimension does. */
  public Optional<InstancePlan> instances(DeploymentSpec spec, int copies, int currentInstances) {
    if (spec.scaling().dimension() != Dimension.COPIES || spec.endpoint().managedInstanceScaling().enabled()) {
      return Optional.empty();
    }
    InstanceType type = Catalog.bundled().instanceType(spec.endpoint().instanceType())
        .orElseThrow(() -> new IllegalStateException("instance type " + spec.endpoint().instanceType()
            + " is not in copyscale's catalog, so the instances copies need cannot be computed; enable managed instance scaling"));
    int perInstance = Preflight.copiesPerInstance(type, spec.component().resources(), spec.component().resources().accelerators());
    int maxInstances = spec.guardrails().maxInstances();
    int fitting = Math.min(copies, perInstance * maxInstances);
    // An endpoint keeps at least one instance; copyscale never goes below the initial count.
    int needed = Math.max(spec.endpoint().initialInstanceCount(), (fitting + perInstance - 1) / perInstance);
    return Optional.of(new InstancePlan(currentInstances, needed, fitting, perInstance, fitting < copies));
  }

  /** Instances before and after, and the copies that fit within guardrails.maxInstances. */
  public record InstancePlan(int from, int to, int copiesThatFit, int copiesPerInstance, boolean limitedByGuardrail) {}

  /** Writes the decided capacity: instances up, then copies, then instances down. */
  public void write(DeploymentSpec spec, int from, int to, Optional<InstancePlan> instances) {
    ResourceNames names = ResourceNames.of(spec);
    if (spec.scaling().dimension() == Dimension.INSTANCES) {
      retrying(() -> setInstances(names, to));
      return;
    }
    if (instances.isPresent() && instances.get().to() > instances.get().from()) {
      retrying(() -> setInstances(names, instances.get().to()));
    }
    if (to != from) {
      retrying(() -> aws.sageMaker().updateInferenceComponentRuntimeConfig(b -> b.inferenceComponentName(names.component())
          .desiredRuntimeConfig(InferenceComponentRuntimeConfig.builder().copyCount(to).build())));
    }
    if (instances.isPresent() && instances.get().to() < instances.get().from()) {
      retrying(() -> setInstances(names, instances.get().to()));
    }
  }

  private void setInstances(ResourceNames names, int count) {
    aws.sageMaker().updateEndpointWeightsAndCapacities(b -> b.endpointName(names.endpoint())
        .desiredWeightsAndCapacities(DesiredWeightAndCapacity.builder().variantName(names.variant()).desiredInstanceCount(count).build()));
  }

  private void retrying(Runnable write) {
    for (int attempt = 0; ; attempt++) {
      try {
        write.run();
        return;
      } catch (AwsServiceException e) {
        if (!AwsErrors.retryable(e) || attempt >= BACKOFF.size()) {
          throw e;
        }
        pause.pause(BACKOFF.get(attempt));
      }
    }
  }

  /** Publishes a decision that changed capacity, for users' dashboards and chat (best effort). */
  public Optional<String> publish(LedgerEntry entry) {
    try {
      aws.eventBridge().putEvents(b -> b.entries(e -> e.source("copyscale").detailType("Scaling Activity")
          .resources(List.of()).detail(Json.compact(Map.of(
              "deployment", entry.deployment(), "trigger", entry.trigger(), "from", entry.from(), "to", entry.to(),
              "outcome", entry.outcome(), "reason", entry.reason(), "time", entry.at().toString())))));
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("publishing the Scaling Activity event failed: " + e.getMessage());
    }
  }
}

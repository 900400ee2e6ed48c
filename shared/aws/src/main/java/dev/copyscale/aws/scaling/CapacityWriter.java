package dev.copyscale.aws.scaling;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
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
 * Reads a target's live capacity and writes one step of a decided capacity, shared by step and
 * scheduled scaling (the order of steps is {@link Convergence}'s). A change SageMaker refuses
 * because another is in progress is retried with backoff, never dropped.
 */
public final class CapacityWriter {
  static final List<Duration> BACKOFF =
      List.of(
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          Duration.ofSeconds(30));

  private final Clients aws;
  private final Pause pause;

  public CapacityWriter(Clients aws, Pause pause) {
    this.aws = aws;
    this.pause = pause;
  }

  /** Live capacity; throws IllegalStateException naming what is missing. */
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
    int copies =
        component.runtimeConfig() == null || component.runtimeConfig().desiredCopyCount() == null
            ? 0
            : component.runtimeConfig().desiredCopyCount();
    ScalableTarget target =
        aws
            .autoScaling()
            .describeScalableTargets(
                b ->
                    b.serviceNamespace(ServiceNamespace.SAGEMAKER)
                        .resourceIds(names.scalableResourceId())
                        .scalableDimension(names.scalableDimension()))
            .scalableTargets()
            .stream()
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "scalable target "
                            + names.scalableResourceId()
                            + " is not registered; deploy "
                            + spec.name()
                            + " first"));
    int serving =
        component.runtimeConfig() == null || component.runtimeConfig().currentCopyCount() == null
            ? 0
            : component.runtimeConfig().currentCopyCount();
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

  /**
   * One step towards a capacity intent (see {@link Convergence}), retried while SageMaker says
   * another change is in progress.
   */
  public void write(DeploymentSpec spec, Convergence.Step step) {
    ResourceNames names = ResourceNames.of(spec);
    if (step instanceof Convergence.SetInstances s) {
      retrying(() -> setInstances(names, s.count()));
    } else if (step instanceof Convergence.SetCopies s) {
      retrying(
          () ->
              aws.sageMaker()
                  .updateInferenceComponentRuntimeConfig(
                      b ->
                          b.inferenceComponentName(names.component())
                              .desiredRuntimeConfig(
                                  InferenceComponentRuntimeConfig.builder()
                                      .copyCount(s.count())
                                      .build())));
    }
  }

  private void setInstances(ResourceNames names, int count) {
    aws.sageMaker()
        .updateEndpointWeightsAndCapacities(
            b ->
                b.endpointName(names.endpoint())
                    .desiredWeightsAndCapacities(
                        DesiredWeightAndCapacity.builder()
                            .variantName(names.variant())
                            .desiredInstanceCount(count)
                            .build()));
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
      aws.eventBridge()
          .putEvents(
              b ->
                  b.entries(
                      e ->
                          e.source("copyscale")
                              .detailType("Scaling Activity")
                              .resources(List.of())
                              .detail(
                                  Json.compact(
                                      Map.of(
                                          "deployment",
                                          entry.deployment(),
                                          "trigger",
                                          entry.trigger(),
                                          "from",
                                          entry.from(),
                                          "to",
                                          entry.to(),
                                          "outcome",
                                          entry.outcome().name(),
                                          "reason",
                                          entry.reason(),
                                          "time",
                                          entry.at().toString())))));
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("publishing the Scaling Activity event failed: " + e.getMessage());
    }
  }
}

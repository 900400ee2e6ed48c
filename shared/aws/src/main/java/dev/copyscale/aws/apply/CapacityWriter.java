package dev.copyscale.aws.apply;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.convergence.Convergence;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentRuntimeConfig;

/**
 * Writes a decided capacity to SageMaker, one step at a time (the order of steps is {@link
 * Convergence}'s), and publishes the Scaling Activity event of what changed. A change SageMaker
 * refuses because another is in progress is retried with backoff, never dropped.
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

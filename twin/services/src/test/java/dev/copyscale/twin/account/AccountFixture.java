package dev.copyscale.twin.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.twin.sagemaker.SageMakerTwin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;

/** Accounts set up with SageMaker's own requests, and accounts saved and read back. */
public final class AccountFixture {
  private AccountFixture() {}

  /**
   * A fresh account at {@code start} with endpoint "e" (one ml.g5.12xlarge, variant AllTraffic, its
   * instance provisioned) and inference component "ic" of {@code copies} copies of model "m" (one
   * accelerator, 1 GiB) just created on it: SageMaker's own requests, no copyscale deployment.
   */
  public static TwinAccount endpointWithComponent(Instant start, int copies) {
    TwinAccount account = new TwinAccount(start);
    endpoint(account, "ml.g5.12xlarge", 1, v -> {});
    component(account.sageMaker(), copies);
    return account;
  }

  /**
   * {@code world}, fresh, made an account mid-transition: instances provisioned, copies loading, a
   * second instance coming, a policy with alarms (the world tests save one).
   */
  public static <A extends TwinAccount> A busy(A world) {
    endpoint(
        world,
        "ml.g5.12xlarge",
        1,
        v ->
            v.managedInstanceScaling(
                m -> m.status("ENABLED").minInstanceCount(1).maxInstanceCount(2)));
    component(world.sageMaker(), 6);
    world
        .autoScaling()
        .registerScalableTarget(
            b ->
                b.serviceNamespace("sagemaker")
                    .resourceId("inference-component/ic")
                    .scalableDimension("sagemaker:inference-component:DesiredCopyCount")
                    .minCapacity(1)
                    .maxCapacity(8));
    world
        .autoScaling()
        .putScalingPolicy(
            b ->
                b.policyName("tt")
                    .serviceNamespace("sagemaker")
                    .resourceId("inference-component/ic")
                    .scalableDimension("sagemaker:inference-component:DesiredCopyCount")
                    .policyType("TargetTrackingScaling")
                    .targetTrackingScalingPolicyConfiguration(
                        c ->
                            c.targetValue(20.0)
                                .predefinedMetricSpecification(
                                    m ->
                                        m.predefinedMetricType(
                                            "SageMakerInferenceComponentInvocationsPerCopy"))));
    // copies download (155 s in all), the second instance provisions (100 s)
    world.pause(Duration.ofMinutes(1));
    return world;
  }

  /**
   * Model "m" (image "tgi") and endpoint "e" on config "c": variant AllTraffic of {@code instances}
   * {@code instanceType}, as {@code variant} adds to it; then time for its instances to provision.
   */
  public static void endpoint(
      TwinAccount account,
      String instanceType,
      int instances,
      Consumer<ProductionVariant.Builder> variant) {
    SageMakerTwin sm = account.sageMaker();
    sm.createModel(b -> b.modelName("m").primaryContainer(c -> c.image("tgi")));
    sm.createEndpointConfig(
        b ->
            b.endpointConfigName("c")
                .executionRoleArn("arn:aws:iam::123456789012:role/r")
                .productionVariants(
                    v ->
                        variant.accept(
                            v.variantName("AllTraffic")
                                .instanceType(instanceType)
                                .initialInstanceCount(instances))));
    sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
    account.pause(account.timings().instanceProvisioning());
  }

  /**
   * Inference component "ic" of {@code copies} copies of model "m" (one accelerator, 1 GiB) on "e".
   */
  public static void component(SageMakerTwin sm, int copies) {
    sm.createInferenceComponent(
        b ->
            b.inferenceComponentName("ic")
                .endpointName("e")
                .variantName("AllTraffic")
                .specification(
                    s ->
                        s.modelName("m")
                            .computeResourceRequirements(
                                r ->
                                    r.numberOfAcceleratorDevicesRequired(1f)
                                        .minMemoryRequiredInMb(1024)))
                .runtimeConfig(r -> r.copyCount(copies)));
  }

  /** The copy count SageMaker reports as desired. */
  public static int desiredCopies(TwinAccount account, String component) {
    return account
        .sageMaker()
        .describeInferenceComponent(b -> b.inferenceComponentName(component))
        .runtimeConfig()
        .desiredCopyCount();
  }

  /** The account written as a world file holds it and read back: what a later CLI command finds. */
  public static TwinAccount reloaded(TwinAccount account) {
    return reloaded(account, saved -> {});
  }

  /** As {@link #reloaded(TwinAccount)}, with the saved form edited in between (a world setting). */
  public static TwinAccount reloaded(TwinAccount account, Consumer<ObjectNode> edit) {
    ObjectMapper json = TwinAccount.stateJson();
    try {
      ObjectNode saved = (ObjectNode) json.readTree(json.writeValueAsString(account.state()));
      edit.accept(saved);
      return new TwinAccount(json.treeToValue(saved, TwinAccount.State.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

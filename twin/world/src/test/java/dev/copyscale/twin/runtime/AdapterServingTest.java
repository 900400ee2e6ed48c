package dev.copyscale.twin.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.serving.ServingProfile;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.SageMakerTwin;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentSummary;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/**
 * Eight LoRA adapter inference components on one base component, through the SDK's client
 * interfaces: created, invoked (their requests served by the base's copies, in the base's batches,
 * with metrics under each adapter's name), the base scaled from 1 to 3 copies with the adapters
 * still serving, then everything deleted, leaving no component, no instance beyond the minimum and
 * nothing publishing metrics.
 */
class AdapterServingTest {
  static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");
  static final ServingProfile LLAMA = ServingProfile.llama3OnA10G();
  static final String ROLE = "arn:aws:iam::123456789012:role/r";
  static final String IMAGE =
      "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-tgi2.0-gpu-py310-cu121-ubuntu22.04";
  static final List<String> ADAPTERS =
      List.of("sql", "legal", "support", "code", "summary", "fr", "de", "ja");

  TwinWorld world;
  SageMakerTwin sm;

  @BeforeEach
  void base() {
    world = TwinWorld.fresh(T0);
    sm = world.sageMaker();
    sm.createModel(
        b ->
            b.modelName("llama3")
                .executionRoleArn(ROLE)
                .primaryContainer(
                    c ->
                        c.image(IMAGE)
                            .environment(
                                Map.of(
                                    "HF_MODEL_ID", "meta-llama/Meta-Llama-3-8B-Instruct",
                                    "SM_NUM_GPUS", "2",
                                    "MAX_INPUT_LENGTH", "2048",
                                    "MAX_TOTAL_TOKENS", "4096",
                                    "MAX_BATCH_TOTAL_TOKENS", "8192"))));
    // ml.g5.12xlarge, 4 GPUs: two 2-GPU copies per instance; managed instance scaling 1 to 2
    sm.createEndpointConfig(
        b ->
            b.endpointConfigName("c")
                .executionRoleArn(ROLE)
                .productionVariants(
                    v ->
                        v.variantName("AllTraffic")
                            .instanceType("ml.g5.12xlarge")
                            .initialInstanceCount(1)
                            .managedInstanceScaling(
                                m -> m.status("ENABLED").minInstanceCount(1).maxInstanceCount(2))));
    sm.createEndpoint(b -> b.endpointName("e").endpointConfigName("c"));
    world.pause(Duration.ofMinutes(5));
    sm.createInferenceComponent(
        b ->
            b.inferenceComponentName("base")
                .endpointName("e")
                .variantName("AllTraffic")
                .specification(
                    s ->
                        s.modelName("llama3")
                            .computeResourceRequirements(
                                r ->
                                    r.numberOfAcceleratorDevicesRequired(2f)
                                        .numberOfCpuCoresRequired(12f)
                                        .minMemoryRequiredInMb(65536)))
                .runtimeConfig(r -> r.copyCount(1)));
    for (String name : ADAPTERS) {
      sm.createInferenceComponent(
          b ->
              b.inferenceComponentName(name)
                  .endpointName("e")
                  .specification(
                      s ->
                          s.baseInferenceComponentName("base")
                              .container(
                                  c -> c.artifactUrl("s3://bucket/adapters/" + name + ".tar.gz"))));
    }
    world.pause(Duration.ofMinutes(20));
  }

  static String body(int maxNewTokens) {
    return dev.copyscale.json.Json.compact(
        Map.of(
            "inputs",
            "Summarise the quarterly report in three sentences.",
            "parameters",
            Map.of("max_new_tokens", maxNewTokens)));
  }

  static CompletableFuture<InvokeEndpointResponse> invoke(RuntimeTwin runtime, String component) {
    return runtime.invokeEndpoint(
        b ->
            b.endpointName("e")
                .inferenceComponentName(component)
                .contentType("application/json")
                .body(SdkBytes.fromUtf8String(body(20))));
  }

  String status(String name) {
    return sm.describeInferenceComponent(b -> b.inferenceComponentName(name))
        .inferenceComponentStatusAsString();
  }

  /** The Sum of {@code metric} under InferenceComponentName {@code component}, from..to. */
  double sum(String metric, Map<String, String> dimensions, Instant from, Instant to) {
    return world
        .cloudWatch()
        .getMetricData(
            b ->
                b.startTime(from)
                    .endTime(to)
                    .metricDataQueries(
                        q ->
                            q.id("m")
                                .metricStat(
                                    m ->
                                        m.period(10)
                                            .stat("Sum")
                                            .metric(
                                                x ->
                                                    x.namespace("AWS/SageMaker")
                                                        .metricName(metric)
                                                        .dimensions(
                                                            dimensions.entrySet().stream()
                                                                .map(
                                                                    d ->
                                                                        software.amazon.awssdk
                                                                            .services.cloudwatch
                                                                            .model.Dimension
                                                                            .builder()
                                                                            .name(d.getKey())
                                                                            .value(d.getValue())
                                                                            .build())
                                                                .toList())))))
        .metricDataResults()
        .get(0)
        .values()
        .stream()
        .mapToDouble(Double::doubleValue)
        .sum();
  }

  static Map<String, String> ic(String name) {
    return Map.of("InferenceComponentName", name);
  }

  @Test
  void eightAdaptersServeOnTheirBaseScaleWithItAndLeaveNothingWhenDeleted() throws Exception {
    assertThat(
            sm
                .listInferenceComponents(b -> b.endpointNameEquals("e"))
                .inferenceComponents()
                .stream()
                .map(InferenceComponentSummary::inferenceComponentName))
        .hasSize(9)
        .containsAll(ADAPTERS);
    for (String name : ADAPTERS) {
      assertThat(status(name)).as(name).isEqualTo("InService");
    }
    RuntimeTwin runtime =
        new RuntimeTwin(
            world, Stack.NONE, "base", Serving.table(LLAMA, "measured table " + LLAMA.name()), 1);
    Instant from = runtime.clock().instant();

    // 2 requests to the base, 3 to each adapter: all served by the base's one copy
    List<CompletableFuture<InvokeEndpointResponse>> calls = new ArrayList<>();
    calls.add(invoke(runtime, "base"));
    calls.add(invoke(runtime, "base"));
    for (String name : ADAPTERS) {
      for (int i = 0; i < 3; i++) {
        calls.add(invoke(runtime, name));
      }
    }
    runtime.drain();
    for (CompletableFuture<InvokeEndpointResponse> call : calls) {
      assertThat(call.get().body().asUtf8String()).contains("generated_text");
    }
    String baseCopy = sm.state().components().get("base").copies().get(0).id();
    assertThat(runtime.engine().copiesFirstServed()).containsOnlyKeys(baseCopy);
    // the period's metrics out, and past CloudWatch's ingestion delay
    runtime.runUntil(runtime.clock().instant().plus(Duration.ofSeconds(30)));
    Instant to = runtime.clock().instant();
    assertThat(sum("Invocations", ic("base"), from, to)).isEqualTo(2);
    for (String name : ADAPTERS) {
      assertThat(sum("Invocations", ic(name), from, to)).as(name).isEqualTo(3);
      assertThat(sum("ModelLatency", ic(name), from, to)).as(name).isPositive();
    }
    assertThat(
            sum("Invocations", Map.of("EndpointName", "e", "VariantName", "AllTraffic"), from, to))
        .isEqualTo(26);

    // the base from 1 to 3 copies: a second instance for the third, the adapters still serving
    sm.updateInferenceComponentRuntimeConfig(
        b -> b.inferenceComponentName("base").desiredRuntimeConfig(r -> r.copyCount(3)));
    runtime.runUntil(runtime.clock().instant().plus(Duration.ofMinutes(20)));
    assertThat(
            sm.describeInferenceComponent(b -> b.inferenceComponentName("base"))
                .runtimeConfig()
                .currentCopyCount())
        .isEqualTo(3);
    assertThat(sm.state().endpoints().get("e").instances()).hasSize(2);
    calls.clear();
    for (int round = 0; round < 4; round++) {
      for (String name : ADAPTERS) {
        assertThat(status(name)).as(name).isEqualTo("InService");
        calls.add(invoke(runtime, name));
      }
    }
    runtime.drain();
    for (CompletableFuture<InvokeEndpointResponse> call : calls) {
      assertThat(call.get().body().asUtf8String()).contains("generated_text");
    }
    assertThat(runtime.engine().copiesFirstServed().keySet())
        .containsExactlyInAnyOrderElementsOf(
            sm.state().components().get("base").copies().stream().map(c -> c.id()).toList());

    // delete every adapter, then the base
    for (String name : ADAPTERS) {
      sm.deleteInferenceComponent(b -> b.inferenceComponentName(name));
    }
    sm.deleteInferenceComponent(b -> b.inferenceComponentName("base"));
    runtime.runUntil(runtime.clock().instant().plus(Duration.ofMinutes(5)));
    assertThat(sm.state().components()).isEmpty();
    assertThat(sm.listInferenceComponents(b -> b.endpointNameEquals("e")).inferenceComponents())
        .isEmpty();
    assertThat(sm.state().endpoints().get("e").instances()).hasSize(1); // MinInstanceCount
    assertThat(RuntimeTwinTest.failure(invoke(runtime, "sql")))
        .isInstanceOf(ValidationErrorException.class)
        .hasMessageContaining("Inference Component sql not found");

    Instant deleted = runtime.clock().instant();
    runtime.runUntil(deleted.plus(Duration.ofMinutes(10)));
    Instant later = runtime.clock().instant();
    for (String name : ADAPTERS) {
      assertThat(sum("Invocations", ic(name), deleted, later)).isZero();
    }
    for (String metric : List.of("DesiredCopyCount", "CurrentCopyCount", "Invocations")) {
      assertThat(sum(metric, ic("base"), deleted, later)).as(metric).isZero();
    }
  }
}

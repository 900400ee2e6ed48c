package dev.copyscale.twin.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.json.Json;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.PayloadPart;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/**
 * SageMaker Runtime in the twin, on the orchestrated Llama 3 example (endpoint llama3-chat,
 * component llama3-chat-ic, two copies, MAX_INPUT_LENGTH 2048, MAX_TOTAL_TOKENS 4096): what
 * InvokeEndpoint and its streaming variant answer, the errors SageMaker and TGI give, and that
 * nothing happens until virtual time is moved.
 */
class RuntimeTwinTest {
  static final ServingProfile LLAMA = ServingProfile.llama3OnA10G();
  static final String ENDPOINT = "llama3-chat";
  static final String COMPONENT = "llama3-chat-ic";

  TwinWorld world;
  RuntimeTwin runtime;

  @BeforeEach
  void deploy() {
    world = TwinWorld.fresh(TwinStack.START);
    new TwinStack(world, world.stateTable())
        .deploy(TwinStack.json("deploy-llama3-8b-orchestrated.json"));
    runtime =
        new RuntimeTwin(
            world,
            Stack.NONE,
            COMPONENT,
            Serving.table(LLAMA, "measured table " + LLAMA.name()),
            1);
  }

  static String body(String inputs, int maxNewTokens) {
    return Json.compact(
        java.util.Map.of(
            "inputs", inputs, "parameters", java.util.Map.of("max_new_tokens", maxNewTokens)));
  }

  CompletableFuture<InvokeEndpointResponse> invoke(String endpoint, String component, String body) {
    return runtime.invokeEndpoint(
        b ->
            b.endpointName(endpoint)
                .inferenceComponentName(component)
                .contentType("application/json")
                .body(SdkBytes.fromUtf8String(body)));
  }

  static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void invokeEndpointAnswersWithGeneratedText() throws Exception {
    CompletableFuture<InvokeEndpointResponse> future =
        invoke(ENDPOINT, COMPONENT, body("What is deep learning?", 5));
    assertThat(future).isNotDone();
    runtime.drain();
    InvokeEndpointResponse response = future.get();
    assertThat(response.contentType()).isEqualTo("application/json");
    assertThat(response.invokedProductionVariant()).isEqualTo("AllTraffic");
    JsonNode answer = Json.mapper().readTree(response.body().asUtf8String());
    assertThat(answer.isArray()).isTrue();
    assertThat(answer).hasSize(1);
    assertThat(answer.get(0).fieldNames()).toIterable().containsExactly("generated_text");
    assertThat(answer.get(0).get("generated_text").asText()).isEqualTo(" tok tok tok tok tok");
  }

  @Test
  void namesAreCheckedAsSageMakerChecksThem() {
    Throwable wrongEndpoint = failure(invoke("no-such-endpoint", COMPONENT, body("hi", 5)));
    assertThat(wrongEndpoint)
        .isInstanceOf(ValidationErrorException.class)
        .hasMessageContaining("Endpoint no-such-endpoint of account ")
        .hasMessageContaining("not found");
    assertThat(((ValidationErrorException) wrongEndpoint).statusCode()).isEqualTo(400);
    assertThat(((ValidationErrorException) wrongEndpoint).awsErrorDetails().errorCode())
        .isEqualTo("ValidationError");

    Throwable noComponent =
        failure(
            runtime.invokeEndpoint(
                b -> b.endpointName(ENDPOINT).body(SdkBytes.fromUtf8String(body("hi", 5)))));
    assertThat(noComponent)
        .isInstanceOf(ValidationErrorException.class)
        .hasMessageContaining("Inference Component Name header is required");

    Throwable wrongComponent = failure(invoke(ENDPOINT, "other-ic", body("hi", 5)));
    assertThat(wrongComponent)
        .isInstanceOf(ValidationErrorException.class)
        .hasMessageContaining("Inference Component other-ic not found");
    // Refused before anything was queued: no virtual time passed.
    assertThat(runtime.idle()).isTrue();
    assertThat(runtime.engine().nextId()).as("no request took an id").isZero();
  }

  @Test
  void tgiRejectsPromptsOverMaxInputLengthWith422() throws Exception {
    // 4 characters a token: 8192 characters are 2048 tokens, TGI's limit here (accepted); one more
    // is 2049.
    CompletableFuture<InvokeEndpointResponse> atLimit =
        invoke(ENDPOINT, COMPONENT, body("x".repeat(8192), 10));
    Throwable over = failure(invoke(ENDPOINT, COMPONENT, body("x".repeat(8193), 10)));
    assertThat(over).isInstanceOf(ModelErrorException.class);
    ModelErrorException model = (ModelErrorException) over;
    assertThat(model.originalStatusCode()).isEqualTo(422);
    assertThat(model.statusCode()).isEqualTo(424);
    assertThat(model.awsErrorDetails().errorCode()).isEqualTo("ModelError");
    assertThat(model.getMessage())
        .contains(
            "Received client error (422)", "`inputs` must have less than 2048 tokens. Given: 2049");
    assertThat(Json.mapper().readTree(model.originalMessage()).get("error_type").asText())
        .isEqualTo("validation");
    runtime.drain();
    assertThat(atLimit.get().body().asUtf8String()).contains("generated_text");
  }

  @Test
  void tgiRejectsOtherInvalidBodiesWith422() {
    // 2000 prompt tokens + 2097 new ones is over MAX_TOTAL_TOKENS 4096.
    ModelErrorException total =
        (ModelErrorException) failure(invoke(ENDPOINT, COMPONENT, body("x".repeat(8000), 2097)));
    assertThat(total.originalStatusCode()).isEqualTo(422);
    assertThat(total.getMessage())
        .contains("must be <= 4096. Given: 2000 `inputs` tokens and 2097 `max_new_tokens`");
    assertThat(
            ((ModelErrorException) failure(invoke(ENDPOINT, COMPONENT, body("hi", 0))))
                .originalStatusCode())
        .isEqualTo(422);
    ModelErrorException notJson =
        (ModelErrorException) failure(invoke(ENDPOINT, COMPONENT, "not json"));
    assertThat(notJson.originalStatusCode()).isEqualTo(422);
    ModelErrorException noInputs =
        (ModelErrorException) failure(invoke(ENDPOINT, COMPONENT, "{\"parameters\":{}}"));
    assertThat(noInputs.getMessage()).contains("missing field `inputs`");
  }

  @Test
  void withoutMaxNewTokensTgisDefaultOf100IsGenerated() throws Exception {
    CompletableFuture<InvokeEndpointResponse> future =
        invoke(ENDPOINT, COMPONENT, "{\"inputs\":\"hello\"}");
    runtime.drain();
    String text =
        Json.mapper()
            .readTree(future.get().body().asUtf8String())
            .get(0)
            .get("generated_text")
            .asText();
    assertThat(text).isEqualTo(" tok".repeat(RuntimeTwin.DEFAULT_MAX_NEW_TOKENS));
  }

  /**
   * What a streaming caller sees: payload parts with the virtual time each arrived at, and the
   * handler's calls.
   */
  static final class StreamRecorder {
    final List<String> parts = new ArrayList<>();
    final List<Instant> partTimes = new ArrayList<>();
    final AtomicInteger responses = new AtomicInteger();
    final AtomicInteger completes = new AtomicInteger();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final InvokeEndpointWithResponseStreamResponseHandler handler;

    StreamRecorder(RuntimeTwin runtime) {
      handler =
          InvokeEndpointWithResponseStreamResponseHandler.builder()
              .onResponse(r -> responses.incrementAndGet())
              .onError(error::set)
              .onComplete(completes::incrementAndGet)
              .subscriber(
                  InvokeEndpointWithResponseStreamResponseHandler.Visitor.builder()
                      .onPayloadPart(
                          (PayloadPart p) -> {
                            parts.add(p.bytes().asUtf8String());
                            partTimes.add(runtime.clock().instant());
                          })
                      .build())
              .build();
    }

    /** Every server-sent event's data, parsed, in order. */
    List<JsonNode> events() throws Exception {
      String all = String.join("", parts);
      assertThat(all).endsWith("\n\n");
      List<JsonNode> events = new ArrayList<>();
      for (String event : all.split("\n\n")) {
        assertThat(event).startsWith("data:");
        events.add(Json.mapper().readTree(event.substring("data:".length())));
      }
      return events;
    }
  }

  CompletableFuture<Void> stream(StreamRecorder recorder, String body) {
    return runtime.invokeEndpointWithResponseStream(
        b ->
            b.endpointName(ENDPOINT)
                .inferenceComponentName(COMPONENT)
                .contentType("application/json")
                .accept("text/event-stream")
                .body(SdkBytes.fromUtf8String(body)),
        recorder.handler);
  }

  @Test
  void streamDeliversTheFirstTokenThenTheRestAndCompletes() throws Exception {
    Instant start = runtime.clock().instant();
    StreamRecorder recorder = new StreamRecorder(runtime);
    CompletableFuture<Void> done = stream(recorder, body("What is deep learning?", 20));
    assertThat(recorder.parts).isEmpty();

    // The first token leaves after the profile's time to first token (one request in the batch).
    Instant firstTokenAt = start.plusNanos((long) (LLAMA.ttftMs(1) * 1_000_000));
    runtime.runUntil(firstTokenAt.minusMillis(1));
    assertThat(recorder.parts).isEmpty();
    runtime.runUntil(firstTokenAt.plusMillis(1));
    assertThat(recorder.parts).hasSize(1);
    assertThat(recorder.responses.get()).isEqualTo(1);
    assertThat(recorder.completes.get()).isZero();
    assertThat(done).isNotDone();

    runtime.drain();
    assertThat(done).isCompleted();
    assertThat(recorder.completes.get()).isEqualTo(1);
    assertThat(recorder.error.get()).isNull();
    assertThat(recorder.parts).hasSizeGreaterThanOrEqualTo(2);
    assertThat(recorder.partTimes.get(0))
        .isBefore(recorder.partTimes.get(recorder.partTimes.size() - 1));
    assertThat(Duration.between(start, recorder.partTimes.get(0)).toNanos() / 1e6)
        .isCloseTo(LLAMA.ttftMs(1), within(1.0));

    List<JsonNode> events = recorder.events();
    JsonNode first = events.get(0);
    assertThat(first.get("token").get("special").asBoolean()).isFalse();
    assertThat(first.get("token").get("text").asText()).isEqualTo(" tok");
    assertThat(first.get("generated_text").isNull()).isTrue();
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("generated_text").asText()).isEqualTo(" tok".repeat(20));
    // Only the last event carries the generated text; the visible tokens spell it.
    assertThat(events.subList(0, events.size() - 1))
        .allSatisfy(e -> assertThat(e.get("generated_text").isNull()).isTrue());
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> !e.get("token").get("special").asBoolean())
        .forEach(e -> text.append(e.get("token").get("text").asText()));
    assertThat(text.toString()).isEqualTo(last.get("generated_text").asText());
  }

  @Test
  void streamGeneratesExactlyMaxNewTokensTokens() throws Exception {
    StreamRecorder recorder = new StreamRecorder(runtime);
    stream(recorder, body("What is deep learning?", 20));
    runtime.drain();
    // TGI stops at max_new_tokens: the 20th token is the last event, carrying generated_text.
    assertThat(recorder.events()).hasSize(20);
  }

  @Test
  void streamErrorsGoToTheHandler() {
    StreamRecorder recorder = new StreamRecorder(runtime);
    CompletableFuture<Void> done = stream(recorder, body("x".repeat(9000), 5));
    assertThat(failure(done)).isInstanceOf(ModelErrorException.class);
    assertThat(recorder.error.get()).isInstanceOf(ModelErrorException.class);
    assertThat(recorder.completes.get()).isZero();
    assertThat(recorder.parts).isEmpty();
  }

  @Test
  void timeMovesOnlyThroughRunUntil() throws Exception {
    Instant origin = runtime.engine().origin();
    assertThat(runtime.clock().instant()).isEqualTo(origin);
    // The engine starts on the next 10-second boundary of the world's clock.
    assertThat(origin.getEpochSecond() % 10).isZero();
    assertThat(origin)
        .isBetween(
            TwinStack.START.plus(Duration.ofMinutes(20)),
            TwinStack.START.plus(Duration.ofMinutes(20)).plusSeconds(10));

    CompletableFuture<InvokeEndpointResponse> future =
        invoke(ENDPOINT, COMPONENT, body("What is deep learning?", 50));
    Thread.sleep(20);
    assertThat(runtime.clock().instant()).isEqualTo(origin);
    assertThat(future).isNotDone();

    runtime.runUntil(origin.plusSeconds(1));
    assertThat(runtime.clock().instant()).isEqualTo(origin.plusSeconds(1));
    runtime.runUntil(origin); // never backwards
    assertThat(runtime.clock().instant()).isEqualTo(origin.plusSeconds(1));
    assertThat(future).isNotDone();
  }

  @Test
  void futuresCompleteWhenVirtualTimeReachesTheirFinish() throws Exception {
    Instant origin = runtime.engine().origin();
    AtomicReference<Instant> completedAt = new AtomicReference<>();
    CompletableFuture<InvokeEndpointResponse> future =
        invoke(ENDPOINT, COMPONENT, body("What is deep learning?", 50));
    future.whenComplete((r, e) -> completedAt.set(runtime.clock().instant()));
    // One request alone in its copy's batch takes the profile's service time for 50 tokens.
    Duration service = Duration.ofNanos((long) (LLAMA.serviceMs(1, 50) * 1_000_000));
    runtime.runUntil(origin.plus(service).minusMillis(1));
    assertThat(future).isNotDone();
    assertThat(runtime.idle()).isFalse();
    runtime.runUntil(origin.plus(service).plusMillis(1));
    assertThat(future).isCompleted();
    assertThat(runtime.idle()).isTrue();
    assertThat(Duration.between(origin, completedAt.get()).toNanos() / 1e6)
        .isCloseTo(LLAMA.serviceMs(1, 50), within(0.01));

    // Two requests, sent 5 s apart, finish in that order, each at its own time.
    Instant t = runtime.clock().instant();
    CompletableFuture<InvokeEndpointResponse> a = invoke(ENDPOINT, COMPONENT, body("a", 50));
    runtime.runUntil(t.plusSeconds(5));
    CompletableFuture<InvokeEndpointResponse> b = invoke(ENDPOINT, COMPONENT, body("b", 50));
    assertThat(a).isCompleted();
    assertThat(b).isNotDone();
    runtime.drain();
    assertThat(b).isCompleted();
    assertThat(runtime.clock().instant()).isAfter(t.plusSeconds(5));
  }

  @Test
  void withNoCopySageMakerRefusesWithNoCapacity() {
    world
        .sageMaker()
        .updateInferenceComponentRuntimeConfig(
            b -> b.inferenceComponentName(COMPONENT).desiredRuntimeConfig(c -> c.copyCount(0)));
    world.advance(Duration.ofMinutes(5), Stack.NONE);
    runtime =
        new RuntimeTwin(
            world,
            Stack.NONE,
            COMPONENT,
            Serving.table(LLAMA, "measured table " + LLAMA.name()),
            1);
    Throwable refused = failure(invoke(ENDPOINT, COMPONENT, body("hi", 5)));
    assertThat(refused)
        .isInstanceOf(ValidationErrorException.class)
        .hasMessageContaining("Inference Component has no capacity to process this request");
    assertThat(((ValidationErrorException) refused).statusCode()).isEqualTo(400);

    StreamRecorder recorder = new StreamRecorder(runtime);
    assertThat(failure(stream(recorder, body("hi", 5))))
        .isInstanceOf(ValidationErrorException.class);
    assertThat(recorder.error.get()).isInstanceOf(ValidationErrorException.class);
  }

  @Test
  void aLongRunHoldsOnlyTheRequestsInFlight() throws Exception {
    // 2,000 requests, 4 at a time: ids are reused, so the engine's request table stays at the
    // concurrency.
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (int round = 0; round < 500; round++) {
      List<CompletableFuture<InvokeEndpointResponse>> inFlight = new java.util.ArrayList<>();
      for (int k = 0; k < 4; k++) {
        ids.add(runtime.engine().nextId());
        inFlight.add(invoke(ENDPOINT, COMPONENT, body("hi", 5)));
      }
      runtime.drain();
      for (CompletableFuture<InvokeEndpointResponse> f : inFlight) {
        assertThat(f).isCompleted();
      }
    }
    assertThat(ids).hasSize(4);
  }
}

package dev.copyscale.twin.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.sim.ServingEngine;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ResponseStream;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/**
 * SageMaker Runtime in the twin: InvokeEndpoint and InvokeEndpointWithResponseStream on one
 * inference component and its adapter inference components (served by its copies), by a {@link
 * ServingEngine} in virtual time. Calls return futures that complete when the virtual request
 * finishes; the caller moves time with {@link #runUntil} (a load driver waits on this instead of
 * sleeping), so alarms fire and copies scale while the load runs.
 *
 * <p>The body is TGI's ({@code {"inputs": ..., "parameters": {"max_new_tokens": ...}}}). Prompt
 * tokens are estimated from the prompt's length (4 characters a token, assumed: the twin has no
 * tokenizer); a request generates {@code max_new_tokens} tokens (sampling rarely stops earlier at
 * such lengths, assumed). The text generated is filler: the twin serves time, not language.
 */
public final class RuntimeTwin implements SageMakerRuntimeAsyncClient, ServingEngine.Listener {
  /** Characters per token for the prompt estimate (English text, Llama 3's tokenizer: about 4). */
  public static final double CHARS_PER_TOKEN = 4.0;

  /** TGI's default when a request sets no max_new_tokens. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 100;

  private final ServingEngine engine;
  private final Map<Integer, Pending> pending = new HashMap<>();

  private static final class Pending {
    final int outputTokens;
    final CompletableFuture<InvokeEndpointResponse> plain;
    final InvokeEndpointWithResponseStreamResponseHandler handler;
    final CompletableFuture<Void> streamDone;
    PushPublisher<ResponseStream> events;

    Pending(
        int outputTokens,
        CompletableFuture<InvokeEndpointResponse> plain,
        InvokeEndpointWithResponseStreamResponseHandler handler,
        CompletableFuture<Void> streamDone) {
      this.outputTokens = outputTokens;
      this.plain = plain;
      this.handler = handler;
      this.streamDone = streamDone;
    }
  }

  /**
   * @param serving how the component's copies serve (the derived serving model or a measured table:
   *     {@link Serving#forSpec})
   */
  public RuntimeTwin(
      TwinWorld world, Stack stack, String componentName, Serving serving, long seed) {
    this.engine =
        new ServingEngine(
            world,
            stack,
            componentName,
            serving,
            new ServingEngine.Options(seed, ServingEngine.Options.SAGEMAKER_TIMEOUT),
            this);
  }

  public ServingEngine engine() {
    return engine;
  }

  /**
   * The virtual time requests are served in (finer than the world's clock, which moves in 10-second
   * steps while serving).
   */
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the twin's clock is UTC");
      }

      @Override
      public Instant instant() {
        return engine.at(engine.now());
      }
    };
  }

  /**
   * Moves virtual time to {@code until}; futures of requests that finish by then complete, in time
   * order.
   */
  public void runUntil(Instant until) {
    long micros = engine.micros(until);
    if (micros > engine.now()) {
      engine.runUntil(micros);
    }
  }

  /** Runs until every request sent has finished. */
  public void drain() {
    engine.drain();
  }

  public boolean idle() {
    return engine.idle();
  }

  @Override
  public String serviceName() {
    return "runtime.sagemaker";
  }

  @Override
  public void close() {}

  @Override
  public CompletableFuture<InvokeEndpointResponse> invokeEndpoint(InvokeEndpointRequest r) {
    CompletableFuture<InvokeEndpointResponse> future = new CompletableFuture<>();
    try {
      int[] tokens = accept(r.endpointName(), r.inferenceComponentName(), r.body());
      // Registered before submitting: a request refused at once is answered inside submit.
      pending.put(engine.nextId(), new Pending(tokens[1], future, null, null));
      engine.submit(tokens[0], tokens[1], false, tokens[2]);
    } catch (SageMakerRuntimeException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  @Override
  public CompletableFuture<Void> invokeEndpointWithResponseStream(
      InvokeEndpointWithResponseStreamRequest r,
      InvokeEndpointWithResponseStreamResponseHandler handler) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      int[] tokens = accept(r.endpointName(), r.inferenceComponentName(), r.body());
      pending.put(engine.nextId(), new Pending(tokens[1], null, handler, done));
      engine.submit(tokens[0], tokens[1], true, tokens[2]);
    } catch (SageMakerRuntimeException e) {
      handler.exceptionOccurred(e);
      done.completeExceptionally(e);
    }
    return done;
  }

  /**
   * Checks the names and the body as SageMaker and TGI do; returns {prompt tokens, output tokens,
   * whose request it is ({@link ServingEngine#target}: the component's own or an adapter's)}.
   */
  private int[] accept(String endpointName, String componentName, SdkBytes body) {
    if (!engine.endpointName().equals(endpointName)) {
      throw validation(
          "Endpoint " + endpointName + " of account " + TwinWorld.ACCOUNT + " not found.");
    }
    if (componentName == null) {
      throw validation(
          "Inference Component Name header is required for endpoints to which you plan to deploy"
              + " inference components. Please include Inference Component Name header or consider"
              + " using SageMaker models.");
    }
    int target = engine.target(componentName);
    if (target < 0) {
      throw validation("Inference Component " + componentName + " not found.");
    }
    JsonNode payload;
    try {
      payload = Json.mapper().readTree(body == null ? "" : body.asUtf8String());
    } catch (java.io.IOException e) {
      throw modelError(
          422,
          "{\"error\":\"Failed to deserialize the JSON body into the target"
              + " type\",\"error_type\":\"validation\"}");
    }
    if (payload == null || !payload.path("inputs").isTextual()) {
      throw modelError(
          422,
          "{\"error\":\"Failed to deserialize the JSON body into the target type: missing field"
              + " `inputs`\",\"error_type\":\"validation\"}");
    }
    String inputs = payload.get("inputs").asText();
    int prompt = Math.max(1, (int) Math.ceil(inputs.length() / CHARS_PER_TOKEN));
    JsonNode max = payload.path("parameters").path("max_new_tokens");
    int output = max.isIntegralNumber() ? max.asInt() : DEFAULT_MAX_NEW_TOKENS;
    if (output < 1) {
      throw modelError(
          422,
          "{\"error\":\"Input validation error: `max_new_tokens` must be strictly"
              + " positive\",\"error_type\":\"validation\"}");
    }
    if (prompt > engine.limits().maxInputTokens()) {
      throw modelError(
          422,
          "{\"error\":\"Input validation error: `inputs` must have less than "
              + engine.limits().maxInputTokens()
              + " tokens. Given: "
              + prompt
              + "\",\"error_type\":\"validation\"}");
    }
    if (prompt + output > engine.limits().maxTotalTokens()) {
      throw modelError(
          422,
          "{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= "
              + engine.limits().maxTotalTokens()
              + ". Given: "
              + prompt
              + " `inputs` tokens and "
              + output
              + " `max_new_tokens`\",\"error_type\":\"validation\"}");
    }
    return new int[] {prompt, output, target};
  }

  @Override
  public void firstToken(int request, long at) {
    Pending p = pending.get(request);
    // A one-token answer has only its final event, which comes with the finish.
    if (p != null && p.handler != null && p.outputTokens > 1) {
      start(p);
      p.events.push(part(tokenEvent(0)));
    }
  }

  @Override
  public void finished(int request, long at, long latencyMicros, long ttftMicros, String failure) {
    Pending p = pending.remove(request);
    if (p == null) {
      return;
    }
    if (failure != null) {
      SageMakerRuntimeException e =
          failure.equals(ServingEngine.NO_CAPACITY)
              ? validation(
                  "Inference Component has no capacity to process this request."
                      + " ApplicationAutoScaling may be in-progress (if configured) or try to"
                      + " increase the capacity by invoking UpdateInferenceComponentRuntimeConfig"
                      + " API.")
              : failure.equals(ServingEngine.TIMED_OUT)
                  ? modelError(
                      0,
                      "Your invocation timed out while waiting for a response from container model."
                          + " Review the latency metrics for each container in Amazon CloudWatch,"
                          + " resolve the issue, and try again.")
                  : modelError(
                      422, "{\"error\":\"Input validation error\",\"error_type\":\"validation\"}");
      if (p.plain != null) {
        p.plain.completeExceptionally(e);
      } else {
        if (p.events != null) {
          p.events.fail(e);
        } else {
          p.handler.exceptionOccurred(e);
        }
        p.streamDone.completeExceptionally(e);
      }
      return;
    }
    String text = filler(p.outputTokens);
    if (p.plain != null) {
      String body = Json.compact(List.of(Map.of("generated_text", text)));
      p.plain.complete(
          InvokeEndpointResponse.builder()
              .body(SdkBytes.fromUtf8String(body))
              .contentType("application/json")
              .invokedProductionVariant("AllTraffic")
              .build());
      return;
    }
    boolean firstSent = p.events != null;
    start(p);
    // TGI streams max_new_tokens tokens; the last one's event also carries the whole text.
    StringBuilder rest = new StringBuilder();
    for (int i = firstSent ? 1 : 0; i < p.outputTokens - 1; i++) {
      rest.append(tokenEvent(i));
    }
    rest.append("data:{\"token\":{\"id\":")
        .append(1000 + (p.outputTokens - 1) % 100)
        .append(",\"text\":\" tok\",\"logprob\":-0.1,\"special\":false},\"generated_text\":")
        .append(Json.compact(text))
        .append(",\"details\":null}\n\n");
    p.events.push(part(rest.toString()));
    p.events.complete();
    p.handler.complete();
    p.streamDone.complete(null);
  }

  private void start(Pending p) {
    if (p.events == null) {
      p.events = new PushPublisher<>();
      p.handler.responseReceived(
          InvokeEndpointWithResponseStreamResponse.builder()
              .contentType("text/event-stream")
              .invokedProductionVariant("AllTraffic")
              .build());
      p.handler.onEventStream(SdkPublisher.adapt(p.events));
    }
  }

  private static String tokenEvent(int i) {
    return "data:{\"token\":{\"id\":"
        + (1000 + i % 100)
        + ",\"text\":\""
        + " tok\",\"logprob\":-0.1,\"special\":false},\"generated_text\":null,\"details\":null}\n\n";
  }

  private static ResponseStream part(String sse) {
    return ResponseStream.payloadPartBuilder().bytes(SdkBytes.fromUtf8String(sse)).build();
  }

  private static String filler(int tokens) {
    return " tok".repeat(tokens);
  }

  private static ValidationErrorException validation(String message) {
    return (ValidationErrorException)
        ValidationErrorException.builder()
            .message(message)
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationError")
                    .errorMessage(message)
                    .serviceName("SageMaker Runtime")
                    .build())
            .build();
  }

  private static ModelErrorException modelError(int originalStatus, String containerMessage) {
    String message =
        originalStatus == 0
            ? "Received server error (0) from model with message \"" + containerMessage + "\"."
            : "Received client error ("
                + originalStatus
                + ") from model with message \""
                + containerMessage
                + "\". See the CloudWatch logs for more details.";
    return (ModelErrorException)
        ModelErrorException.builder()
            .message(message)
            .statusCode(424)
            .originalStatusCode(originalStatus)
            .originalMessage(containerMessage)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ModelError")
                    .errorMessage(message)
                    .serviceName("SageMaker Runtime")
                    .build())
            .build();
  }

  /**
   * A publisher the twin pushes events into; it honours the subscriber's demand and buffers the
   * rest.
   */
  static final class PushPublisher<T> implements org.reactivestreams.Publisher<T> {
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private Subscriber<? super T> subscriber;
    private long demand;
    private boolean completed;
    private Throwable failure;

    @Override
    public void subscribe(Subscriber<? super T> s) {
      subscriber = s;
      s.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {
              demand += n;
              drain();
            }

            @Override
            public void cancel() {
              buffer.clear();
              subscriber = null;
            }
          });
    }

    void push(T item) {
      buffer.add(item);
      drain();
    }

    void complete() {
      completed = true;
      drain();
    }

    void fail(Throwable t) {
      failure = t;
      drain();
    }

    private void drain() {
      while (subscriber != null && demand > 0 && !buffer.isEmpty()) {
        demand--;
        subscriber.onNext(buffer.poll());
      }
      if (subscriber != null && buffer.isEmpty() && (completed || failure != null)) {
        Subscriber<? super T> s = subscriber;
        subscriber = null;
        if (failure != null) {
          s.onError(failure);
        } else {
          s.onComplete();
        }
      }
    }
  }
}

package dev.copyscale.cli.load;

import dev.copyscale.cli.chat.TgiException;
import dev.copyscale.cli.chat.TgiStreamParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.PayloadPart;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

/**
 * Sends TGI requests to one inference component through a SageMaker Runtime async client (the real
 * one or the twin's) and measures them on a clock: InvokeEndpoint, or with {@code stream}
 * InvokeEndpointWithResponseStream, where the first payload part carrying a token is the time to
 * first token.
 */
final class RuntimeSender {
  private final SageMakerRuntimeAsyncClient runtime;
  private final Clock clock;
  private final String endpoint;
  private final String component;

  RuntimeSender(
      SageMakerRuntimeAsyncClient runtime, Clock clock, String endpoint, String component) {
    this.runtime = runtime;
    this.clock = clock;
    this.endpoint = endpoint;
    this.component = component;
  }

  void send(String body, boolean stream, BlockingQueue<Outcome> done) {
    Instant sent = clock.instant();
    if (!stream) {
      runtime
          .invokeEndpoint(
              b ->
                  b.endpointName(endpoint)
                      .inferenceComponentName(component)
                      .contentType("application/json")
                      .accept("application/json")
                      .body(SdkBytes.fromUtf8String(body)))
          .whenComplete(
              (response, error) -> {
                Duration latency = Duration.between(sent, clock.instant());
                done.add(
                    error != null
                        ? failure(latency, error)
                        : new Outcome(latency, null, 0, null, null));
              });
      return;
    }
    TgiStreamParser parser = new TgiStreamParser();
    AtomicReference<Instant> firstToken = new AtomicReference<>();
    AtomicReference<Throwable> streamError = new AtomicReference<>();
    InvokeEndpointWithResponseStreamResponseHandler handler =
        InvokeEndpointWithResponseStreamResponseHandler.builder()
            .subscriber(
                InvokeEndpointWithResponseStreamResponseHandler.Visitor.builder()
                    .onPayloadPart(
                        (PayloadPart part) -> {
                          try {
                            if (!parser.feed(part.bytes().asByteArray()).isEmpty()) {
                              firstToken.compareAndSet(null, clock.instant());
                            }
                          } catch (TgiException e) {
                            streamError.compareAndSet(null, e);
                          }
                        })
                    .build())
            .build();
    runtime
        .invokeEndpointWithResponseStream(
            b ->
                b.endpointName(endpoint)
                    .inferenceComponentName(component)
                    .contentType("application/json")
                    .accept("text/event-stream")
                    .body(SdkBytes.fromUtf8String(body)),
            handler)
        .whenComplete(
            (ignored, error) -> {
              Instant end = clock.instant();
              Duration latency = Duration.between(sent, end);
              Throwable problem = error != null ? error : streamError.get();
              if (problem != null) {
                done.add(failure(latency, problem));
              } else {
                Instant first = firstToken.get();
                done.add(
                    new Outcome(
                        latency,
                        first == null ? null : Duration.between(sent, first),
                        parser.tokenCount(),
                        null,
                        null));
              }
            });
  }

  /**
   * The error as the summary groups it: the AWS error code (a model error with its container's
   * status), or the client-side failure.
   */
  static Outcome failure(Duration latency, Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof ModelErrorException m) {
      return Outcome.failed(
          latency, "ModelError (container status " + m.originalStatusCode() + ")", m.getMessage());
    }
    if (e instanceof SageMakerRuntimeException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorCode() != null) {
      return Outcome.failed(
          latency,
          s.awsErrorDetails().errorCode() + " (" + s.statusCode() + ")",
          s.awsErrorDetails().errorMessage());
    }
    if (e instanceof TgiException t) {
      return Outcome.failed(latency, "TGI stream error (" + t.errorType() + ")", t.getMessage());
    }
    if (e instanceof SdkException) {
      return Outcome.failed(latency, e.getClass().getSimpleName(), e.getMessage());
    }
    return Outcome.failed(latency, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
  }
}

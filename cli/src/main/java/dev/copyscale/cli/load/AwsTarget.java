package dev.copyscale.cli.load;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClientBuilder;

/**
 * A real SageMaker endpoint: requests go out through the async SageMaker Runtime client
 * (credentials and region from the default chains), timed on the wall clock. No retries: a load
 * test measures what the endpoint answers, not what a retrying client hides.
 */
public final class AwsTarget implements LoadTarget {
  /** How long the driver blocks at most before looking at Ctrl-C again. */
  private static final long POLL_MILLIS = 100;

  private final SageMakerRuntimeAsyncClient client;
  private final RuntimeSender sender;
  private final Clock clock;

  public AwsTarget(String endpoint, String component, int concurrency, Clock clock) {
    this(client(SageMakerRuntimeAsyncClient.builder(), concurrency), endpoint, component, clock);
  }

  AwsTarget(SageMakerRuntimeAsyncClient client, String endpoint, String component, Clock clock) {
    this.clock = clock;
    this.client = client;
    this.sender = new RuntimeSender(client, clock, endpoint, component);
  }

  /**
   * The client a load run needs: room for every request in flight, SageMaker's 60 s plus slack to
   * read, no retries.
   */
  static SageMakerRuntimeAsyncClient client(
      SageMakerRuntimeAsyncClientBuilder builder, int concurrency) {
    return builder
        .httpClientBuilder(
            NettyNioAsyncHttpClient.builder()
                .maxConcurrency(Math.max(50, concurrency + 10))
                .readTimeout(Duration.ofSeconds(70)))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .build())
        .build();
  }

  @Override
  public boolean aws() {
    return true;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void send(String body, boolean stream, BlockingQueue<Outcome> done) {
    sender.send(body, stream, done);
  }

  @Override
  public void waitUntil(Instant at) throws InterruptedException {
    long millis = Duration.between(clock.instant(), at).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  @Override
  public void awaitOutcome(BlockingQueue<Outcome> done) throws InterruptedException {
    Outcome o = done.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
    if (o != null) {
      done.add(o);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}

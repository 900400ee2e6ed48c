package dev.copyscale.aws.clients;

import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The AWS clients copyscale's services call: real ones in Lambda, the twin's on a laptop, moto's in
 * tests. Each is built the first time it is asked for, so a cold start pays only for the services
 * its first event needs, and a function whose jar lacks a service (the step-scaling function has no
 * Secrets Manager) never loads it. Thread-safe; build once per container.
 *
 * <p>The builders are {@code Supplier<?>}, not {@code Supplier<SageMakerClient>}: a lambda's type
 * names its return class, and linking a lambda whose class is missing from the jar throws
 * NoClassDefFoundError at once, before anyone asks for that client. Only the typed accessor names
 * the client class, and only when it is called.
 */
public final class Clients {
  private final Lazy<SageMakerClient> sageMaker;
  private final Lazy<ApplicationAutoScalingClient> autoScaling;
  private final Lazy<CloudWatchClient> cloudWatch;
  private final Lazy<EventBridgeClient> eventBridge;
  private final Lazy<SecretsManagerClient> secrets;
  private final Lazy<SchedulerClient> scheduler;
  private final Lazy<DynamoDbClient> dynamoDb;

  private Clients(
      Supplier<?> sageMaker,
      Supplier<?> autoScaling,
      Supplier<?> cloudWatch,
      Supplier<?> eventBridge,
      Supplier<?> secrets,
      Supplier<?> scheduler,
      Supplier<?> dynamoDb) {
    this.sageMaker = new Lazy<>(sageMaker, "SageMaker");
    this.autoScaling = new Lazy<>(autoScaling, "Application Auto Scaling");
    this.cloudWatch = new Lazy<>(cloudWatch, "CloudWatch");
    this.eventBridge = new Lazy<>(eventBridge, "EventBridge");
    this.secrets = new Lazy<>(secrets, "Secrets Manager");
    this.scheduler = new Lazy<>(scheduler, "EventBridge Scheduler");
    this.dynamoDb = new Lazy<>(dynamoDb, "DynamoDB");
  }

  /**
   * Real clients with the URL-connection HTTP client; region and credentials from the default
   * chains (the Lambda environment, or the user's profile for the CLI's AWS options).
   */
  public static Clients real() {
    return new Clients(
        () ->
            SageMakerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        () ->
            ApplicationAutoScalingClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build(),
        () ->
            CloudWatchClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        () ->
            EventBridgeClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build(),
        () ->
            SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build(),
        () ->
            SchedulerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        () ->
            DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }

  /**
   * Clients that exist already (the twin's, moto's); {@code null} for a service the caller never
   * uses.
   */
  public static Clients of(
      SageMakerClient sageMaker,
      ApplicationAutoScalingClient autoScaling,
      CloudWatchClient cloudWatch,
      EventBridgeClient eventBridge,
      SecretsManagerClient secrets,
      SchedulerClient scheduler,
      DynamoDbClient dynamoDb) {
    return new Clients(
        () -> sageMaker,
        () -> autoScaling,
        () -> cloudWatch,
        () -> eventBridge,
        () -> secrets,
        () -> scheduler,
        () -> dynamoDb);
  }

  public SageMakerClient sageMaker() {
    return sageMaker.get();
  }

  public ApplicationAutoScalingClient autoScaling() {
    return autoScaling.get();
  }

  public CloudWatchClient cloudWatch() {
    return cloudWatch.get();
  }

  public EventBridgeClient eventBridge() {
    return eventBridge.get();
  }

  public SecretsManagerClient secrets() {
    return secrets.get();
  }

  public SchedulerClient scheduler() {
    return scheduler.get();
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb.get();
  }

  /** Built once, on first use. */
  private static final class Lazy<T> {
    private final Supplier<?> build;
    private final String service;
    private volatile T value;

    Lazy(Supplier<?> build, String service) {
      this.build = build;
      this.service = service;
    }

    @SuppressWarnings(
        "unchecked") // the caller's accessor casts to the client class when it is called
    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = (T) build.get();
            if (v == null) {
              throw new IllegalStateException(
                  "no " + service + " client was given to copyscale's services");
            }
            value = v;
          }
        }
      }
      return v;
    }
  }
}

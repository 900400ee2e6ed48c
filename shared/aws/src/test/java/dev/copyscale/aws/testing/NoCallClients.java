package dev.copyscale.aws.testing;

import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployConfig;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Services whose AWS clients record every API call and refuse it, on an empty in-memory state
 * table: for code that must call no AWS API and touch no state (SnapStart priming).
 */
public final class NoCallClients {
  /** Every API call made, as "Service.operation". */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  public final InMemoryStateStore store = new InMemoryStateStore();
  public final Services services;

  public NoCallClients() {
    this(Clock.systemUTC());
  }

  /** With the services' clock at {@code clock} (events are checked against it). */
  public NoCallClients(Clock clock) {
    Clients clients =
        Clients.of(
            refusing(SageMakerClient.class),
            refusing(ApplicationAutoScalingClient.class),
            refusing(CloudWatchClient.class),
            refusing(EventBridgeClient.class),
            refusing(SecretsManagerClient.class),
            refusing(SchedulerClient.class),
            refusing(DynamoDbClient.class));
    services =
        new Services(
            clients,
            store,
            clock,
            Pause.SLEEP,
            new DeployConfig(
                "copyscale-test",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            Duration.ofDays(30));
  }

  /** A {@code client} (or any interface) that records each call in {@link #calls} and fails it. */
  public <T> T refusing(Class<T> client) {
    return client.cast(
        Proxy.newProxyInstance(
            client.getClassLoader(),
            new Class<?>[] {client},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "toString":
                  return client.getSimpleName() + " that refuses every call";
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                default:
                  calls.add(client.getSimpleName() + "." + method.getName());
                  throw new AssertionError(
                      client.getSimpleName() + "." + method.getName() + " was called");
              }
            }));
  }
}

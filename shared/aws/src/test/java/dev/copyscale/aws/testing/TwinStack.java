package dev.copyscale.aws.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.spec.Metric;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.AccountFixture;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.StackSettings;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * copyscale's stack on a twin account, for the services' tests: the account (the twin's service
 * fakes on one virtual clock), the stack's state table (in memory, or DynamoDB on moto_server) and
 * copyscale's services wired to both as the Lambda functions wire them, with the twin stack's
 * settings; and the events of events/ to hand them.
 */
public final class TwinStack {
  /**
   * Wednesday 25 November 2026, 09:40 in Berlin (business hours): a deployment started then is
   * InService by 10:00.
   */
  public static final Instant START = Instant.parse("2026-11-25T08:40:00Z");

  /**
   * Just after the newest time stamped in events/alarm-*.json (12:01:05). copyscale ignores events
   * stamped more than a few minutes ahead of its clock, so alarm tests move the clock here first.
   */
  public static final Instant EVENTS_SENT_BY = Instant.parse("2026-11-25T12:02:00Z");

  /** Where the stack's functions run, which every event is checked against: the twin's. */
  public static final EventOrigin ORIGIN = new EventOrigin(TwinAccount.ACCOUNT, TwinAccount.REGION);

  private final TwinAccount account;
  private final StateStore store;

  /** The stack on {@code account}, its state in {@code store}. */
  public TwinStack(TwinAccount account, StateStore store) {
    this.account = account;
    this.store = store;
  }

  /**
   * A fresh account at {@code start}, the state table in memory; its expired items go as time
   * advances, as the world's do.
   */
  public static TwinStack fresh(Instant start) {
    return inMemory(new TwinAccount(start));
  }

  /** The stack on {@code account}, the state table in memory (expiring as time advances). */
  public static TwinStack inMemory(TwinAccount account) {
    InMemoryStateStore table = new InMemoryStateStore();
    account.everyStep(table::expire);
    return new TwinStack(account, table);
  }

  /**
   * A fresh account at {@code start}, the state table on moto's DynamoDB (created from
   * template.yaml's definition).
   */
  public static TwinStack onDynamoDb(Instant start) {
    return new TwinStack(new TwinAccount(start), MotoClients.newStateTable());
  }

  /**
   * A fresh stack at {@link #START} with the deploy event of events/ applied and 20 minutes of
   * reconciling behind it.
   */
  public static TwinStack deployed(String deployEvent) {
    return fresh(START).deploy(json(deployEvent));
  }

  public static TwinStack deployed(JsonNode deployEvent) {
    return fresh(START).deploy(deployEvent);
  }

  public TwinAccount account() {
    return account;
  }

  public StateStore store() {
    return store;
  }

  /** The account's clients; the stack's state is the store, not the twin's DynamoDB. */
  public Clients clients() {
    return Clients.of(
        account.sageMaker(),
        account.autoScaling(),
        account.cloudWatch(),
        account.eventBridge(),
        account.secrets(),
        account.scheduler(),
        null);
  }

  /**
   * The account's clients, with each SageMaker call shown first to {@code before} (its method's
   * name and arguments), which may count it or throw what SageMaker would answer.
   */
  public Clients clientsWatchingSageMaker(BiConsumer<String, Object[]> before) {
    SageMakerClient twin = account.sageMaker();
    SageMakerClient watched =
        (SageMakerClient)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SageMakerClient.class},
                (proxy, method, args) -> {
                  before.accept(method.getName(), args);
                  try {
                    return method.invoke(twin, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Clients clients = clients();
    return Clients.of(
        watched,
        clients.autoScaling(),
        clients.cloudWatch(),
        clients.eventBridge(),
        clients.secrets(),
        clients.scheduler(),
        null);
  }

  /**
   * copyscale's services on the account's clients, the store and the account's clock; retry pauses
   * move virtual time.
   */
  public Services services() {
    return new Services(
        clients(),
        store,
        account.clock(),
        account::pause,
        StackSettings.deployConfig(),
        StackSettings.LEDGER_RETENTION);
  }

  /** Applies the deploy event, then runs 20 minutes of the deploy function's reconcile schedule. */
  public TwinStack deploy(JsonNode deployEvent) {
    DeployService deploy = services().deploy();
    deploy.handle(deployEvent);
    account.advance(Duration.ofMinutes(20), Stack.ticking(now -> deploy.reconcileInProgress()));
    return this;
  }

  /**
   * Moves the clock to {@link #EVENTS_SENT_BY}, as if the fixtures' alarms had just been delivered.
   */
  public TwinStack catchUpWithTheEvents() {
    account.pause(Duration.between(account.clock().instant(), EVENTS_SENT_BY));
    return this;
  }

  /**
   * Everything the account holds, as a world file would keep it: equal before and after, nothing
   * changed on the twin's AWS.
   */
  public JsonNode awsState() {
    return TwinAccount.stateJson().valueToTree(account.state());
  }

  /** The copy count SageMaker reports as desired. */
  public int desiredCopies(String component) {
    return AccountFixture.desiredCopies(account, component);
  }

  /** The copies SageMaker reports serving (none before the first serves). */
  public int servingCopies(String component) {
    Integer current =
        account
            .sageMaker()
            .describeInferenceComponent(b -> b.inferenceComponentName(component))
            .runtimeConfig()
            .currentCopyCount();
    return current == null ? 0 : current;
  }

  /** The instance count SageMaker reports as desired for the endpoint's variant. */
  public int instances(String endpoint) {
    return account
        .sageMaker()
        .describeEndpoint(b -> b.endpointName(endpoint))
        .productionVariants()
        .get(0)
        .desiredInstanceCount();
  }

  /**
   * The copy counts SageMaker publishes for {@code component} with a traffic source's figures for
   * the 10 seconds from {@code start}: the desired and serving copies now (the account publishes
   * its idle figures only for periods nothing published).
   */
  public void publishCopyCounts(String component, Instant start) {
    Map<String, String> ic = Map.of("InferenceComponentName", component);
    String ns = Metric.Namespace.INVOCATIONS;
    int desired = desiredCopies(component);
    int serving = servingCopies(component);
    CloudWatchTwin cw = account.cloudWatch();
    cw.publish(ns, "DesiredCopyCount", ic, start, desired, 1, desired, desired);
    cw.publish(ns, "CurrentCopyCount", ic, start, serving, 1, serving, serving);
  }

  /**
   * What SageMaker publishes for the 10 seconds from {@code start} in which {@code component}'s
   * {@code serving} copies served {@code requests} requests of {@code latencyMs} each, {@code
   * perCopy} in flight on each (as the twin's serving engine publishes it, MetricBucket):
   * Invocations, InvocationsPerCopy, ModelLatency (microseconds) and ConcurrentRequestsPerCopy.
   */
  public void publishServed(
      String component,
      Instant start,
      long requests,
      int serving,
      double latencyMs,
      double perCopy) {
    CloudWatchTwin cw = account.cloudWatch();
    Map<String, String> ic = Map.of("InferenceComponentName", component);
    String ns = Metric.Namespace.INVOCATIONS;
    long n = requests;
    cw.publish(ns, Metric.INVOCATIONS.metricName(), ic, start, n, n, 1, 1);
    cw.publish(
        ns,
        Metric.INVOCATIONS_PER_COPY.metricName(),
        ic,
        start,
        (double) n / serving,
        n,
        1.0 / serving,
        1.0 / serving);
    cw.publish(
        ns,
        Metric.MODEL_LATENCY.metricName(),
        ic,
        start,
        latencyMs * 1000 * n,
        n,
        latencyMs * 1000,
        latencyMs * 1000);
    cw.publish(
        ns,
        Metric.CONCURRENT_REQUESTS_PER_COPY.metricName(),
        ic,
        start,
        perCopy,
        1,
        perCopy,
        perCopy);
  }

  /** The reconcile schedules' event, {@code {"action": "reconcile"}}: the per-minute tick. */
  public static JsonNode tick() {
    return parse("{\"action\": \"reconcile\"}".getBytes(StandardCharsets.UTF_8));
  }

  /** An event of events/, as bytes. */
  public static byte[] event(String file) {
    try {
      return Files.readAllBytes(RepoFiles.path("events/" + file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An event of events/, as the functions read it. */
  public static JsonNode json(String file) {
    return parse(event(file));
  }

  /**
   * An event of events/ with its 2026-11-25 times moved to {@code at} (the fixtures' events are
   * stamped that day).
   */
  public static JsonNode jsonAt(String file, Instant at) {
    String when =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(at);
    return parse(
        new String(event(file), StandardCharsets.UTF_8)
            .replaceAll("2026-11-25T\\d\\d:\\d\\d:\\d\\d", when)
            .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A deploy event without one of its step policies: tests of one policy's effect drop the idle
   * policy, which acts in an idle world (as on AWS) and would take copies away meanwhile.
   */
  public static JsonNode withoutPolicy(String deployEvent, String policy) {
    JsonNode event = json(deployEvent).deepCopy();
    JsonNode body = event.has("spec") ? event.get("spec") : event;
    ArrayNode policies = (ArrayNode) body.get("scaling").get("stepPolicies");
    for (int i = policies.size() - 1; i >= 0; i--) {
      if (policies.get(i).get("name").asText().equals(policy)) {
        policies.remove(i);
      }
    }
    return event;
  }

  private static JsonNode parse(byte[] event) {
    try {
      return Json.mapper().readTree(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

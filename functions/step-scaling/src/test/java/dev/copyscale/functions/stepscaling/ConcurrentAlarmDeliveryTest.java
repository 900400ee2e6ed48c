package dev.copyscale.functions.stepscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.Outcome;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.LedgerEntry;
import dev.copyscale.scaling.TargetState;
import dev.copyscale.testing.MotoServer;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/**
 * At-least-once delivery with real concurrency: two invocations of the real handler, released
 * together on two threads, against the state table on moto's DynamoDB. The store holds each
 * invocation's conditional write until both have read and decided, so the interleaving that made
 * the landed code scale twice (both read, both decide, both write) is forced every run.
 */
class ConcurrentAlarmDeliveryTest {
  final LocalContext context = new LocalContext("copyscale-test-step-scaling");
  TwinWorld world;
  StateStore table;
  final AtomicInteger copyWrites = new AtomicInteger();
  ExecutorService threads;

  @BeforeEach
  void deployed() {
    DynamoDbClient dynamo = MotoClients.dynamoDb(MotoServer.shared().endpoint());
    String name = "copyscale-state-" + UUID.randomUUID();
    MotoClients.createStateTable(dynamo, name);
    table = new DynamoDbStateStore(dynamo, name);
    world = TwinWorld.fresh(TwinFixture.START);
    TwinFixture.deploy(world, table, TwinFixture.json("deploy-llama3-8b-orchestrated.json"));
    TwinFixture.catchUpWithTheEvents(world);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
    threads = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** The handler as Lambda builds it, on a store that makes its invocations meet before committing, counting copy-count writes. */
  AlarmHandler handler(StateStore store) {
    Clients twin = world.clients();
    SageMakerClient counting = (SageMakerClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SageMakerClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("updateInferenceComponentRuntimeConfig")) {
            copyWrites.incrementAndGet();
          }
          try {
            return method.invoke(twin.sageMaker(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Clients clients = Clients.of(counting, twin.autoScaling(), twin.cloudWatch(), twin.eventBridge(), twin.secrets(), twin.scheduler(), null);
    return new AlarmHandler(new Services(clients, store, world.clock(), world.pauser(), world.deployConfig(), TwinWorld.LEDGER_RETENTION).alarms());
  }

  List<JsonNode> both(AlarmHandler handler, byte[] first, byte[] second) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<JsonNode>> runs = new ArrayList<>();
    for (byte[] event : List.of(first, second)) {
      Callable<JsonNode> invocation = () -> {
        start.await();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, context);
        return Json.mapper().readTree(out.toByteArray());
      };
      runs.add(threads.submit(invocation));
    }
    start.countDown();
    List<JsonNode> results = new ArrayList<>();
    for (Future<JsonNode> run : runs) {
      results.add(run.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  List<LedgerEntry> scaled() {
    return table.ledger("llama3-chat", Instant.EPOCH).stream().filter(e -> e.outcome() == Outcome.SCALED && !e.source().equals("deploy")).toList();
  }

  @Test
  void aDuplicateDeliveredTwiceAtOnceWritesTheCopyCountOnce() throws Exception {
    // datapoints 11 and 9: +1 copy, which the running instance holds: written at once
    byte[] burst = TwinFixture.event("alarm-lambda-action-burst.json");
    List<JsonNode> results = both(handler(new MeetBeforeCommit(table)), burst, burst);

    assertThat(results).extracting(r -> r.get("outcome").asText()).containsExactlyInAnyOrder("SCALED", "IGNORED");
    assertThat(copyWrites).as("copy-count writes to SageMaker").hasValue(1);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(3);
    assertThat(scaled()).singleElement().satisfies(e -> {
      assertThat(e.from()).isEqualTo(2);
      assertThat(e.to()).isEqualTo(3);
    });
  }

  @Test
  void aDuplicateThatNeedsAnInstanceAndTwoTicksAtOnceStillWriteOnce() throws Exception {
    // +4 copies need a second instance: the winner fills the running one and raises the second, and two ticks
    // released together after it is up both find the last copies to write; the conditional claim lets one write.
    byte[] burst = TwinFixture.event("alarm-eventbridge-burst.json");
    AlarmHandler handler = handler(new MeetBeforeCommit(table));
    assertThat(both(handler, burst, burst)).extracting(r -> r.get("outcome").asText()).containsExactlyInAnyOrder("PENDING", "IGNORED");
    world.pause(java.time.Duration.ofMinutes(10));
    byte[] tick = "{\"action\": \"reconcile\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    both(handler(table), tick, tick);

    // Two steps of one decision (the 4 the running instance holds, then 6), each written once.
    assertThat(copyWrites).as("copy-count writes to SageMaker").hasValue(2);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(6);
    assertThat(scaled()).singleElement().satisfies(e -> assertThat(e.to()).isEqualTo(6));
  }

  @Test
  void twoDifferentAlarmEventsAtOnceBothDecideOnWhatTheOtherDid() throws Exception {
    // Two state changes of the burst alarm (+1 each), released together: the loser of the conditional write
    // re-reads the target and decides again from what the winner did, so the ledger and SageMaker agree.
    byte[] first = TwinFixture.event("alarm-lambda-action-burst.json");
    com.fasterxml.jackson.databind.node.ObjectNode later = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(first);
    ((com.fasterxml.jackson.databind.node.ObjectNode) later.get("alarmData").get("state")).put("timestamp", "2026-11-25T10:11:25.000+0000");
    List<JsonNode> results = both(handler(new MeetBeforeCommit(table)), first, Json.mapper().writeValueAsBytes(later));

    // The loser sees what the winner did: if the earlier change won, its scale-out and cooldown (the same +1
    // from 2 is already there); if the later one won, the earlier one is a late delivery.
    List<String> outcomes = results.stream().map(r -> r.get("outcome").asText()).toList();
    assertThat(outcomes).containsOnlyOnce("SCALED");
    assertThat(outcomes).filteredOn(o -> !o.equals("SCALED")).singleElement().isIn("NO_CHANGE", "IGNORED");
    assertThat(scaled()).singleElement().satisfies(e -> assertThat(e.to()).isEqualTo(3));
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(3);
    assertThat(copyWrites).hasValue(1);
  }

  /**
   * The state table, with each invocation's first commit held until the other invocation has
   * reached its own: both have observed and decided on the same state, as two Lambda containers can.
   */
  static final class MeetBeforeCommit implements StateStore {
    private final StateStore table;
    private final CyclicBarrier meet = new CyclicBarrier(2);
    private final ThreadLocal<Boolean> met = ThreadLocal.withInitial(() -> false);

    MeetBeforeCommit(StateStore table) {
      this.table = table;
    }

    @Override
    public boolean commit(String eventKey, TargetState next, LedgerEntry entry, Instant expiresAt) {
      if (!met.get()) {
        met.set(true);
        try {
          meet.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
          throw new IllegalStateException("the other invocation never reached its commit", e);
        }
      }
      return table.commit(eventKey, next, entry, expiresAt);
    }

    @Override
    public Optional<DeploymentRecord> deployment(String name) {
      return table.deployment(name);
    }

    @Override
    public List<DeploymentRecord> deployments() {
      return table.deployments();
    }

    @Override
    public void save(DeploymentRecord record) {
      table.save(record);
    }

    @Override
    public Optional<String> alarmOwner(String alarmName) {
      return table.alarmOwner(alarmName);
    }

    @Override
    public TargetState target(String deployment) {
      return table.target(deployment);
    }

    @Override
    public void saveTarget(TargetState next) {
      table.saveTarget(next);
    }

    @Override
    public void append(LedgerEntry entry, Instant expiresAt) {
      table.append(entry, expiresAt);
    }

    @Override
    public boolean handled(String eventKey) {
      return table.handled(eventKey);
    }

    @Override
    public List<LedgerEntry> ledger(String deployment, Instant since) {
      return table.ledger(deployment, since);
    }
  }
}

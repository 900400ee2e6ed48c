package dev.copyscale.functions.stepscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
  ConcurrentInvocations invocations;

  @BeforeEach
  void deployed() {
    table = MotoClients.newStateTable();
    world = TwinWorld.fresh(TwinFixture.START);
    TwinFixture.deploy(world, table, TwinFixture.json("deploy-llama3-8b-orchestrated.json"));
    TwinFixture.catchUpWithTheEvents(world);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
    invocations = new ConcurrentInvocations(world, context);
  }

  @AfterEach
  void stop() {
    invocations.close();
  }

  List<LedgerEntry> scaled() {
    return table.ledger("llama3-chat", Instant.EPOCH).stream()
        .filter(e -> e.outcome() == Outcome.SCALED && e.source() != Source.DEPLOY)
        .toList();
  }

  @Test
  void aDuplicateDeliveredTwiceAtOnceWritesTheCopyCountOnce() throws Exception {
    // datapoints 11 and 9: +1 copy, which the running instance holds: written at once
    byte[] burst = TwinFixture.event("alarm-lambda-action-burst.json");
    List<JsonNode> results =
        invocations.both(invocations.handler(new MeetBeforeCommit(table)), burst, burst);

    assertThat(results)
        .extracting(r -> r.get("outcome").asText())
        .containsExactlyInAnyOrder("SCALED", "IGNORED");
    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker").hasValue(1);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(3);
    assertThat(scaled())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(2);
              assertThat(e.to()).isEqualTo(3);
            });
  }

  @Test
  void aDuplicateThatNeedsAnInstanceAndTwoTicksAtOnceStillWriteOnce() throws Exception {
    // +4 copies need a second instance: the winner fills the running one and raises the second, and
    // two ticks
    // released together after it is up both find the last copies to write; the conditional claim
    // lets one write.
    byte[] burst = TwinFixture.event("alarm-eventbridge-burst.json");
    AlarmHandler handler = invocations.handler(new MeetBeforeCommit(table));
    assertThat(invocations.both(handler, burst, burst))
        .extracting(r -> r.get("outcome").asText())
        .containsExactlyInAnyOrder("PENDING", "IGNORED");
    world.pause(java.time.Duration.ofMinutes(10));
    byte[] tick = "{\"action\": \"reconcile\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    invocations.both(invocations.handler(table), tick, tick);

    // Two steps of one decision (the 4 the running instance holds, then 6), each written once.
    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker").hasValue(2);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(6);
    assertThat(scaled()).singleElement().satisfies(e -> assertThat(e.to()).isEqualTo(6));
  }

  @Test
  void twoDifferentAlarmEventsAtOnceBothDecideOnWhatTheOtherDid() throws Exception {
    // Two state changes of the burst alarm (+1 each), released together: the loser of the
    // conditional write
    // re-reads the target and decides again from what the winner did, so the ledger and SageMaker
    // agree.
    byte[] first = TwinFixture.event("alarm-lambda-action-burst.json");
    com.fasterxml.jackson.databind.node.ObjectNode later =
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(first);
    ((com.fasterxml.jackson.databind.node.ObjectNode) later.get("alarmData").get("state"))
        .put("timestamp", "2026-11-25T10:11:25.000+0000");
    List<JsonNode> results =
        invocations.both(
            invocations.handler(new MeetBeforeCommit(table)),
            first,
            Json.mapper().writeValueAsBytes(later));

    // The loser sees what the winner did: if the earlier change won, its scale-out and cooldown
    // (the same +1
    // from 2 is already there); if the later one won, the earlier one is a late delivery.
    List<String> outcomes = results.stream().map(r -> r.get("outcome").asText()).toList();
    assertThat(outcomes).containsOnlyOnce("SCALED");
    assertThat(outcomes)
        .filteredOn(o -> !o.equals("SCALED"))
        .singleElement()
        .isIn("NO_CHANGE", "IGNORED");
    assertThat(scaled()).singleElement().satisfies(e -> assertThat(e.to()).isEqualTo(3));
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(3);
    assertThat(invocations.copyWrites).hasValue(1);
  }

  /**
   * The state table, with each invocation's first commit held until the other invocation has
   * reached its own: both have observed and decided on the same state, as two Lambda containers
   * can.
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

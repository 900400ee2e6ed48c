package dev.copyscale.aws.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
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
 * At-least-once delivery with real concurrency: two invocations of the step-scaling function's
 * service, released together on two threads, against the state table on moto's DynamoDB. The store
 * holds each invocation's conditional write until both have read and decided, so the interleaving
 * that made the landed code scale twice (both read, both decide, both write) is forced every run.
 */
class ConcurrentAlarmDeliveryTest {
  TwinStack stack;
  StateStore table;
  ConcurrentInvocations invocations;

  @BeforeEach
  void deployed() {
    stack =
        TwinStack.onDynamoDb(TwinStack.START)
            .deploy(TwinStack.json("deploy-llama3-8b-orchestrated.json"))
            .catchUpWithTheEvents();
    table = stack.store();
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(2);
    invocations = new ConcurrentInvocations(stack);
  }

  /** Two deliveries of alarm events to {@code alarms} at once; their results in order. */
  List<ScalingResult> both(AlarmService alarms, JsonNode first, JsonNode second) throws Exception {
    return invocations.both(
        () -> alarms.handle(first, TwinStack.ORIGIN),
        () -> alarms.handle(second, TwinStack.ORIGIN));
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
    List<ScalingResult> results =
        both(
            invocations.alarms(new MeetBeforeCommit(table)),
            TwinStack.json("alarm-lambda-action-burst.json"),
            TwinStack.json("alarm-lambda-action-burst.json"));

    assertThat(results)
        .extracting(ScalingResult::outcome)
        .containsExactlyInAnyOrder(Outcome.SCALED, Outcome.IGNORED);
    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker").hasValue(1);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(3);
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
    assertThat(
            both(
                invocations.alarms(new MeetBeforeCommit(table)),
                TwinStack.json("alarm-eventbridge-burst.json"),
                TwinStack.json("alarm-eventbridge-burst.json")))
        .extracting(ScalingResult::outcome)
        .containsExactlyInAnyOrder(Outcome.PENDING, Outcome.IGNORED);
    stack.account().pause(java.time.Duration.ofMinutes(10));
    AlarmService ticking = invocations.alarms(table);
    invocations.both(ticking::tick, ticking::tick);

    // Two steps of one decision (the 4 the running instance holds, then 6), each written once.
    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker").hasValue(2);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(6);
    assertThat(scaled()).singleElement().satisfies(e -> assertThat(e.to()).isEqualTo(6));
  }

  @Test
  void twoDifferentAlarmEventsAtOnceBothDecideOnWhatTheOtherDid() throws Exception {
    // Two state changes of the burst alarm (+1 each), released together: the loser of the
    // conditional write
    // re-reads the target and decides again from what the winner did, so the ledger and SageMaker
    // agree.
    ObjectNode later = (ObjectNode) TwinStack.json("alarm-lambda-action-burst.json");
    ((ObjectNode) later.get("alarmData").get("state"))
        .put("timestamp", "2026-11-25T10:11:25.000+0000");
    List<ScalingResult> results =
        both(
            invocations.alarms(new MeetBeforeCommit(table)),
            TwinStack.json("alarm-lambda-action-burst.json"),
            later);

    // The loser sees what the winner did: if the earlier change won, its scale-out and cooldown
    // (the same +1
    // from 2 is already there); if the later one won, the earlier one is a late delivery.
    List<Outcome> outcomes = results.stream().map(ScalingResult::outcome).toList();
    assertThat(outcomes).containsOnlyOnce(Outcome.SCALED);
    assertThat(outcomes)
        .filteredOn(o -> o != Outcome.SCALED)
        .singleElement()
        .isIn(Outcome.NO_CHANGE, Outcome.IGNORED);
    assertThat(scaled()).singleElement().satisfies(e -> assertThat(e.to()).isEqualTo(3));
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(3);
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

    private void meet() {
      if (!met.get()) {
        met.set(true);
        try {
          meet.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
          throw new IllegalStateException("the other invocation never reached its commit", e);
        }
      }
    }

    @Override
    public boolean commit(String eventKey, TargetState next, LedgerEntry entry, Instant expiresAt) {
      meet();
      return table.commit(eventKey, next, entry, expiresAt);
    }

    @Override
    public long endpointVersion(String deployment) {
      return table.endpointVersion(deployment);
    }

    @Override
    public boolean commitShared(
        String eventKey,
        Decision decision,
        String deployment,
        long endpointVersion,
        List<Decision> siblings,
        Instant expiresAt) {
      meet();
      return table.commitShared(
          eventKey, decision, deployment, endpointVersion, siblings, expiresAt);
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

package dev.copyscale.aws.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.deploy.Applied;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Phase;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules every state store keeps: conditional writes, exactly-once events, an ordered ledger.
 * Run against DynamoDB (moto_server) and against the twin's in-memory store.
 */
abstract class StateStoreContractTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  StateStore store;

  abstract StateStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  private static DeploymentRecord record(String name, long version, Phase phase) {
    return new DeploymentRecord(
        name,
        "{\"apiVersion\":\"copyscale/v1\"}",
        phase,
        false,
        new Applied(Map.of("copyscale-a-target-tracking", "fp"), true, false),
        List.of("CreateModel a-0123456789"),
        Optional.of("endpoint a is Creating"),
        Optional.empty(),
        T0,
        Optional.empty(),
        List.of("copyscale-a-burst"),
        version);
  }

  @Test
  void deploymentsRoundTripAndList() {
    store.save(record("a", 1, Phase.Creating));
    store.save(record("b", 1, Phase.InService));
    assertThat(store.deployment("a")).contains(record("a", 1, Phase.Creating));
    assertThat(store.deployments()).extracting(DeploymentRecord::name).containsExactly("a", "b");
    assertThat(store.deployment("missing")).isEmpty();
  }

  @Test
  void deploymentWritesAreConditionalOnTheVersionRead() {
    store.save(record("a", 1, Phase.Creating));
    assertThatThrownBy(() -> store.save(record("a", 1, Phase.Creating)))
        .isInstanceOf(ConcurrentUpdateException.class);
    store.save(record("a", 2, Phase.InService));
    assertThatThrownBy(() -> store.save(record("a", 2, Phase.Updating)))
        .isInstanceOf(ConcurrentUpdateException.class);
    assertThat(store.deployment("a").orElseThrow().phase()).isEqualTo(Phase.InService);
  }

  private static LedgerEntry entry(Instant at, String id, int from, int to) {
    return new LedgerEntry(
        "a",
        at,
        id,
        Source.ALARM,
        "copyscale-a-burst",
        "ALARM",
        Optional.of(12.0),
        Optional.of(8.0),
        Optional.of("burst"),
        Optional.of(0),
        from,
        to,
        List.of(),
        from == to ? Outcome.NO_CHANGE : Outcome.SCALED,
        "step 0");
  }

  @Test
  void anEventIsAppliedOnce() {
    TargetState next =
        new TargetState(
            "a",
            Cooldowns.NONE.afterScaleOut(T0, 2, 3),
            Map.of("copyscale-a-burst", T0),
            Optional.empty(),
            Optional.empty(),
            1);
    assertThat(store.commit("alarm#e1", next, entry(T0, "e1", 2, 3), T0.plusSeconds(86400)))
        .isTrue();
    assertThat(store.handled("alarm#e1")).isTrue();
    TargetState again =
        new TargetState(
            "a",
            Cooldowns.NONE.afterScaleOut(T0, 3, 4),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            2);
    assertThat(
            store.commit(
                "alarm#e1", again, entry(T0.plusSeconds(1), "e1b", 3, 4), T0.plusSeconds(86400)))
        .isFalse();
    assertThat(store.target("a")).isEqualTo(next);
    assertThat(store.ledger("a", T0.minusSeconds(1))).hasSize(1);
  }

  @Test
  void twoWritersOnOneTargetCannotBothWin() {
    TargetState first =
        new TargetState(
            "a",
            Cooldowns.NONE.afterScaleOut(T0, 2, 3),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            1);
    TargetState rival =
        new TargetState(
            "a",
            Cooldowns.NONE.afterScaleOut(T0, 2, 5),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            1);
    assertThat(store.commit("alarm#e1", first, entry(T0, "e1", 2, 3), T0.plusSeconds(60))).isTrue();
    assertThatThrownBy(
            () -> store.commit("alarm#e2", rival, entry(T0, "e2", 2, 5), T0.plusSeconds(60)))
        .isInstanceOf(ConcurrentUpdateException.class);
    assertThat(store.handled("alarm#e2")).as("a lost transaction writes nothing").isFalse();
    assertThat(store.target("a").cooldowns().lastScaleOut().orElseThrow().to()).isEqualTo(3);
  }

  @Test
  void theLedgerIsReadInOrderSinceAnInstantAndExpires() {
    store.append(entry(T0.plusSeconds(120), "e3", 3, 3), T0.plusSeconds(86400));
    store.append(entry(T0, "e1", 2, 3), T0.plusSeconds(86400));
    store.append(entry(T0.plusSeconds(60), "e2", 3, 4), T0.plusSeconds(86400));
    assertThat(store.ledger("a", T0.plusSeconds(30)))
        .extracting(LedgerEntry::eventId)
        .containsExactly("e2", "e3");
    assertThat(store.ledger("a", T0).get(0)).isEqualTo(entry(T0, "e1", 2, 3));
  }

  private static dev.copyscale.scaling.state.Decision decided(
      String target, long version, String id, int from, int to) {
    LedgerEntry e =
        LedgerEntry.builder(target, T0, id, Source.ALARM, "copyscale-s-" + target + ".burst")
            .capacity(from, to)
            .outcome(Outcome.SCALED, "step")
            .build();
    TargetState before =
        new TargetState(
            target, Cooldowns.NONE, Map.of(), Optional.empty(), Optional.empty(), version);
    return new dev.copyscale.scaling.state.Decision(e, before.next(), Optional.empty());
  }

  @Test
  void aSharedCommitIsConditionalOnTheEndpointsVersionAndWritesItsSiblingsWithIt() {
    assertThat(store.endpointVersion("s")).isZero();
    assertThat(
            store.commitShared(
                "e1",
                decided("s.chat", 0, "e1", 2, 3),
                "s",
                0,
                List.of(decided("s.code", 0, "e1#arbiter", 2, 1)),
                T0.plusSeconds(3600)))
        .isTrue();
    assertThat(store.endpointVersion("s")).isEqualTo(1);
    assertThat(store.target("s.code").version()).isEqualTo(1);
    assertThat(store.ledger("s.code", Instant.EPOCH))
        .extracting(LedgerEntry::to)
        .containsExactly(1);

    // Decided on version 0 of the endpoint: another component committed since, nothing is written.
    assertThatThrownBy(
            () ->
                store.commitShared(
                    "e2",
                    decided("s.code", 1, "e2", 1, 2),
                    "s",
                    0,
                    List.of(),
                    T0.plusSeconds(3600)))
        .isInstanceOf(ConcurrentUpdateException.class);
    assertThat(store.handled("e2")).isFalse();
    assertThat(store.target("s.code").version()).isEqualTo(1);
    assertThat(store.endpointVersion("s")).isEqualTo(1);

    // A sibling changed since it was read: nothing is written either.
    assertThatThrownBy(
            () ->
                store.commitShared(
                    "e3",
                    decided("s.chat", 1, "e3", 3, 4),
                    "s",
                    1,
                    List.of(decided("s.code", 0, "e3#arbiter", 1, 1)),
                    T0.plusSeconds(3600)))
        .isInstanceOf(ConcurrentUpdateException.class);
    assertThat(store.handled("e3")).isFalse();
    assertThat(store.target("s.chat").version()).isEqualTo(1);
    assertThat(store.endpointVersion("s")).isEqualTo(1);

    // The same event again: a duplicate, nothing written.
    assertThat(
            store.commitShared(
                "e1", decided("s.chat", 1, "e1", 3, 4), "s", 1, List.of(), T0.plusSeconds(3600)))
        .isFalse();
    assertThat(store.endpointVersion("s")).isEqualTo(1);
  }
}

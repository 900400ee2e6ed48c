package dev.copyscale.aws.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.store.StateStore.ConcurrentUpdateException;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.cost.HourlyCost;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.testing.MotoServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The state table on a real DynamoDB API (moto_server), created from template.yaml's definition.
 */
class DynamoDbStateStoreTest extends StateStoreContractTest {
  private DynamoDbClient dynamo;
  private String table;

  @Override
  StateStore newStore() {
    dynamo = MotoClients.dynamoDb(MotoServer.shared().endpoint());
    table = "copyscale-state-" + UUID.randomUUID();
    MotoClients.createStateTable(dynamo, table);
    return new DynamoDbStateStore(dynamo, table);
  }

  @Test
  void ledgerItemsExpireByTheTablesTtlAttribute() {
    assertThat(
            dynamo
                .describeTimeToLive(b -> b.tableName(table))
                .timeToLiveDescription()
                .attributeName())
        .isEqualTo("expiresAt");
  }

  /**
   * Two deliveries of one event committing at the same instant, on two threads released together:
   * one wins, and what it wrote stays. (With moto_server answering them at once, a losing
   * transaction restored the table it had copied before the winner wrote; MotoClients sends moto
   * one DynamoDB request at a time, as DynamoDB applies each atomically.)
   */
  @Test
  void twoCommitsOfOneEventAtOnceLeaveTheWinnersWrites() throws Exception {
    // A ledger of some size, so a table copy takes as long as it would in a busy test run.
    for (int i = 0; i < 100; i++) {
      store.append(
          new LedgerEntry(
              "filler",
              T0.plusSeconds(i),
              "f" + i,
              Source.ALARM,
              "copyscale-filler-burst",
              "ALARM",
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              1,
              1,
              List.of(),
              Outcome.NO_CHANGE,
              "x".repeat(200)),
          T0.plusSeconds(86400));
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int trial = 0; trial < 20; trial++) {
        String event = "alarm#race" + trial;
        String deployment = "race" + trial;
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Integer>> commits = new ArrayList<>();
        for (int to : new int[] {2, 3}) {
          TargetState next =
              new TargetState(
                  deployment,
                  Cooldowns.NONE.afterScaleOut(T0, 1, to),
                  Map.of(),
                  Optional.empty(),
                  Optional.empty(),
                  1);
          LedgerEntry entry =
              new LedgerEntry(
                  deployment,
                  T0,
                  "race" + to,
                  Source.ALARM,
                  "copyscale-race-burst",
                  "ALARM",
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  1,
                  to,
                  List.of(),
                  Outcome.SCALED,
                  "to " + to);
          commits.add(
              threads.submit(
                  () -> {
                    together.await(30, TimeUnit.SECONDS);
                    try {
                      return store.commit(event, next, entry, T0.plusSeconds(86400)) ? to : 0;
                    } catch (ConcurrentUpdateException e) {
                      return 0;
                    }
                  }));
        }
        List<Integer> won = new ArrayList<>();
        for (Future<Integer> commit : commits) {
          int to = commit.get(60, TimeUnit.SECONDS);
          if (to > 0) {
            won.add(to);
          }
        }
        assertThat(won).as("trial %d: the commits that won", trial).hasSize(1);
        int winner = won.get(0);
        assertThat(store.handled(event))
            .as("trial %d: the event is marked handled", trial)
            .isTrue();
        assertThat(store.target(deployment).cooldowns().lastScaleOut())
            .as("trial %d: the winner's target", trial)
            .hasValueSatisfying(o -> assertThat(o.to()).isEqualTo(winner));
        assertThat(store.ledger(deployment, T0.minusSeconds(1)))
            .as("trial %d: the winner's entry", trial)
            .singleElement()
            .satisfies(e -> assertThat(e.to()).isEqualTo(winner));
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * A shared endpoint's component entry keeps what the component costs an hour at the decision; an
   * item written before that field existed (no {@code cost}, no {@code done}) still reads, with
   * neither.
   */
  @Test
  void aComponentsCostPerHourIsKeptAndOldItemsWithoutItStillRead() {
    LedgerEntry granted =
        LedgerEntry.builder("shared.chat", T0, "e1", Source.SLO, "tick")
            .capacity(2, 3)
            .limitedBy(List.of("endpoint.budget"))
            .outcome(Outcome.SCALED, "arbiter: chat: 2 -> 3 copies (wished 4)")
            .build()
            .withCost(new HourlyCost(3, 5.3175, 1, 1.7725, 7.09, 1));
    store.append(granted, T0.plusSeconds(86400));
    assertThat(store.ledger("shared.chat", Instant.EPOCH)).containsExactly(granted);

    LedgerEntry before =
        LedgerEntry.builder("shared.code", T0, "e2", Source.SLO, "tick")
            .capacity(1, 2)
            .outcome(Outcome.SCALED, "arbiter: code: 1 -> 2 copies (wished 2)")
            .build();
    ObjectNode old = (ObjectNode) Json.mapper().valueToTree(before);
    old.remove("cost");
    old.remove("done");
    dynamo.putItem(
        b ->
            b.tableName(table)
                .item(
                    Map.of(
                        "pk",
                            AttributeValue.fromS(DynamoDbStateStore.LEDGER_PREFIX + "shared.code"),
                        "sk", AttributeValue.fromS(before.key()),
                        "entry", AttributeValue.fromS(Json.compact(old)),
                        "expiresAt", AttributeValue.fromN(Long.toString(T0.getEpochSecond())))));
    assertThat(Json.compact(old)).doesNotContain("cost");
    assertThat(store.ledger("shared.code", Instant.EPOCH))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e).isEqualTo(before);
              assertThat(e.cost()).isEmpty();
            });
  }
}

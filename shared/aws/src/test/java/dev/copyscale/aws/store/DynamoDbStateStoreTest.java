package dev.copyscale.aws.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.testing.MotoServer;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The state table on a real DynamoDB API (moto_server), created from template.yaml's definition. */
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
    assertThat(dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().attributeName()).isEqualTo("expiresAt");
  }
}

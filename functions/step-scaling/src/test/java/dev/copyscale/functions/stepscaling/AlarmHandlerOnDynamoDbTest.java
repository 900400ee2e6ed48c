package dev.copyscale.functions.stepscaling;

import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.testing.MotoServer;
import dev.copyscale.twin.world.TwinWorld;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The alarm handler with DynamoDB as the state table (moto_server, created from template.yaml's
 * definition): conditional writes, transactions and the ledger on the real API.
 */
class AlarmHandlerOnDynamoDbTest extends AlarmHandlerTest {
  @Override
  StateStore stateTable(TwinWorld world) {
    DynamoDbClient dynamo = MotoClients.dynamoDb(MotoServer.shared().endpoint());
    String table = "copyscale-state-" + UUID.randomUUID();
    MotoClients.createStateTable(dynamo, table);
    return new DynamoDbStateStore(dynamo, table);
  }
}

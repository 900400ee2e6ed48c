package dev.copyscale.functions.stepscaling;

import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.twin.world.TwinWorld;

/**
 * The alarm handler with DynamoDB as the state table (moto_server, created from template.yaml's
 * definition): conditional writes, transactions and the ledger on the real API.
 */
class AlarmHandlerOnDynamoDbTest extends AlarmHandlerTest {
  @Override
  StateStore stateTable(TwinWorld world) {
    return MotoClients.newStateTable();
  }
}

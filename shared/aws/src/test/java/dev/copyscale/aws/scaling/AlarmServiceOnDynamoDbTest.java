package dev.copyscale.aws.scaling;

import dev.copyscale.aws.testing.TwinStack;

/**
 * The alarm service with DynamoDB as the state table (moto_server, created from template.yaml's
 * definition): conditional writes, transactions and the ledger on the real API.
 */
class AlarmServiceOnDynamoDbTest extends AlarmServiceTest {
  @Override
  TwinStack stack() {
    return TwinStack.onDynamoDb(TwinStack.START);
  }
}

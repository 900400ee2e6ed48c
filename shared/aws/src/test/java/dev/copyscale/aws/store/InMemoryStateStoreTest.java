package dev.copyscale.aws.store;

/** The twin's state table keeps the same rules as DynamoDB's. */
class InMemoryStateStoreTest extends StateStoreContractTest {
  @Override
  StateStore newStore() {
    return new InMemoryStateStore();
  }
}

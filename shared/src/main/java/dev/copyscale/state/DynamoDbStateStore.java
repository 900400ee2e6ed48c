package dev.copyscale.state;

import dev.copyscale.deploy.Applied;
import dev.copyscale.deploy.Phase;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The state table on DynamoDB. Key schema {@code pk} (hash) and {@code sk} (range), as
 * template.yaml declares it. Deployments live in partition {@code deployment} under their name, so
 * one Query lists them all; writes are conditional on the version read.
 */
public final class DynamoDbStateStore implements StateStore {
  static final String DEPLOYMENT_PARTITION = "deployment";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoDbStateStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public Optional<DeploymentRecord> deployment(String name) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(GetItemRequest.builder().tableName(table).key(key(name)).consistentRead(true).build())
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
  }

  @Override
  public List<DeploymentRecord> deployments() {
    return dynamo
        .queryPaginator(
            QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(DEPLOYMENT_PARTITION)))
                .consistentRead(true)
                .build())
        .items()
        .stream()
        .map(DynamoDbStateStore::fromItem)
        .toList();
  }

  @Override
  public void save(DeploymentRecord record) {
    PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(toItem(record));
    if (record.version() == 1) {
      put.conditionExpression("attribute_not_exists(pk)");
    } else {
      put.conditionExpression("version = :expected")
          .expressionAttributeValues(Map.of(":expected", n(record.version() - 1)));
    }
    try {
      dynamo.putItem(put.build());
    } catch (ConditionalCheckFailedException e) {
      throw new ConcurrentUpdateException(
          "deployment " + record.name() + " changed since it was read (expected version " + (record.version() - 1) + ")");
    }
  }

  private static Map<String, AttributeValue> key(String name) {
    return Map.of("pk", s(DEPLOYMENT_PARTITION), "sk", s(name));
  }

  static Map<String, AttributeValue> toItem(DeploymentRecord r) {
    Map<String, AttributeValue> item = new HashMap<>(key(r.name()));
    item.put("spec", s(r.specJson()));
    item.put("phase", s(r.phase().name()));
    item.put("deleting", AttributeValue.fromBool(r.deleting()));
    item.put(
        "fingerprints",
        AttributeValue.fromM(
            r.applied().fingerprints().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
    item.put("zeroCopiesPending", AttributeValue.fromBool(r.applied().zeroCopiesPending()));
    item.put("everInService", AttributeValue.fromBool(r.applied().everInService()));
    item.put("lastActions", AttributeValue.fromL(r.lastActions().stream().map(DynamoDbStateStore::s).toList()));
    r.waitingFor().ifPresent(w -> item.put("waitingFor", s(w)));
    r.lastError().ifPresent(e -> item.put("lastError", s(e)));
    item.put("updatedAt", s(r.updatedAt().toString()));
    item.put("version", n(r.version()));
    return item;
  }

  static DeploymentRecord fromItem(Map<String, AttributeValue> item) {
    Map<String, String> fingerprints =
        item.getOrDefault("fingerprints", AttributeValue.fromM(Map.of())).m().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s()));
    return new DeploymentRecord(
        item.get("sk").s(),
        item.get("spec").s(),
        Phase.valueOf(item.get("phase").s()),
        item.get("deleting").bool(),
        new Applied(fingerprints, item.get("zeroCopiesPending").bool(), item.get("everInService").bool()),
        item.getOrDefault("lastActions", AttributeValue.fromL(List.of())).l().stream().map(AttributeValue::s).toList(),
        Optional.ofNullable(item.get("waitingFor")).map(AttributeValue::s),
        Optional.ofNullable(item.get("lastError")).map(AttributeValue::s),
        Instant.parse(item.get("updatedAt").s()),
        Long.parseLong(item.get("version").n()));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}

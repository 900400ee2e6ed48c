package dev.copyscale.aws.store;

import dev.copyscale.deploy.Applied;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Phase;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The state table on DynamoDB. Key schema {@code pk} (hash) and {@code sk} (range), as
 * template.yaml declares it. Deployments live in partition {@code deployment} under their name, so
 * one Query lists them all; writes are conditional on the version read.
 */
public final class DynamoDbStateStore implements StateStore {
  static final String DEPLOYMENT_PARTITION = "deployment";
  static final String TARGET_PARTITION = "target";
  static final String EVENT_PARTITION = "event";
  static final String ALARM_PARTITION = "alarm";
  static final String ENDPOINT_PARTITION = "endpoint";
  static final String LEDGER_PREFIX = "ledger#";

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
            .getItem(
                GetItemRequest.builder()
                    .tableName(table)
                    .key(key(name))
                    .consistentRead(true)
                    .build())
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
    Put.Builder put = Put.builder().tableName(table).item(toItem(record));
    if (record.version() == 1) {
      put.conditionExpression("attribute_not_exists(pk)");
    } else {
      put.conditionExpression("version = :expected")
          .expressionAttributeValues(Map.of(":expected", n(record.version() - 1)));
    }
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().put(put.build()).build());
    // The alarm index: alarm name -> deployment, written with the record so the two never disagree.
    for (String alarm : record.alarms()) {
      writes.add(
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(table)
                      .item(
                          Map.of(
                              "pk",
                              s(ALARM_PARTITION),
                              "sk",
                              s(alarm),
                              "deployment",
                              s(record.name())))
                      .build())
              .build());
    }
    try {
      dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
    } catch (TransactionCanceledException e) {
      if (!e.cancellationReasons().isEmpty()
          && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
        throw new ConcurrentUpdateException(
            "deployment "
                + record.name()
                + " changed since it was read (expected version "
                + (record.version() - 1)
                + ")");
      }
      throw e;
    }
  }

  @Override
  public Optional<String> alarmOwner(String alarmName) {
    Map<String, AttributeValue> item = item(ALARM_PARTITION, alarmName);
    return item == null || item.isEmpty()
        ? Optional.empty()
        : Optional.of(item.get("deployment").s());
  }

  @Override
  public void saveTarget(TargetState next) {
    PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(targetItem(next));
    if (next.version() == 1) {
      put.conditionExpression("attribute_not_exists(pk)");
    } else {
      put.conditionExpression("version = :expected")
          .expressionAttributeValues(Map.of(":expected", n(next.version() - 1)));
    }
    try {
      dynamo.putItem(put.build());
    } catch (ConditionalCheckFailedException e) {
      throw new ConcurrentUpdateException(
          "target of "
              + next.deployment()
              + " changed since it was read (expected version "
              + (next.version() - 1)
              + ")");
    }
  }

  private static Map<String, AttributeValue> targetItem(TargetState next) {
    return Map.of(
        "pk",
        s(TARGET_PARTITION),
        "sk",
        s(next.deployment()),
        "state",
        s(Json.compact(next)),
        "version",
        n(next.version()));
  }

  @Override
  public TargetState target(String deployment) {
    Map<String, AttributeValue> item = item(TARGET_PARTITION, deployment);
    if (item == null || item.isEmpty()) {
      return TargetState.initial(deployment);
    }
    return Json.read(item.get("state").s(), TargetState.class);
  }

  @Override
  public boolean commit(String eventKey, TargetState next, LedgerEntry entry, Instant expiresAt) {
    return transact(eventKey, next, entry, List.of(), next.deployment(), expiresAt);
  }

  @Override
  public long endpointVersion(String deployment) {
    Map<String, AttributeValue> item = item(ENDPOINT_PARTITION, deployment);
    return item == null || item.isEmpty() ? 0 : Long.parseLong(item.get("version").n());
  }

  @Override
  public boolean commitShared(
      String eventKey,
      Decision decision,
      String deployment,
      long endpointVersion,
      List<Decision> siblings,
      Instant expiresAt) {
    Put.Builder endpoint =
        Put.builder()
            .tableName(table)
            .item(
                Map.of(
                    "pk",
                    s(ENDPOINT_PARTITION),
                    "sk",
                    s(deployment),
                    "version",
                    n(endpointVersion + 1)));
    conditionalOnVersion(endpoint, endpointVersion + 1);
    List<TransactWriteItem> more = new ArrayList<>();
    more.add(TransactWriteItem.builder().put(endpoint.build()).build());
    for (Decision sibling : siblings) {
      more.add(TransactWriteItem.builder().put(targetPut(sibling.next())).build());
      more.add(TransactWriteItem.builder().put(ledgerPut(sibling.committed(), expiresAt)).build());
    }
    return transact(
        eventKey,
        decision.next(),
        decision.committed(),
        more,
        "endpoint " + deployment + " or a target of it",
        expiresAt);
  }

  /** Version {@code next} of an item, written only over version {@code next - 1} (or none). */
  private static void conditionalOnVersion(Put.Builder put, long next) {
    if (next == 1) {
      put.conditionExpression("attribute_not_exists(pk)");
    } else {
      put.conditionExpression("version = :expected")
          .expressionAttributeValues(Map.of(":expected", n(next - 1)));
    }
  }

  private Put targetPut(TargetState next) {
    Put.Builder target = Put.builder().tableName(table).item(targetItem(next));
    conditionalOnVersion(target, next.version());
    return target.build();
  }

  /**
   * The event key, the target's next state and its entry, then {@code more}, in one transaction.
   * The event's condition failing means a duplicate (false); any other condition, a conflict.
   */
  private boolean transact(
      String eventKey,
      TargetState next,
      LedgerEntry entry,
      List<TransactWriteItem> more,
      String what,
      Instant expiresAt) {
    Put event =
        Put.builder()
            .tableName(table)
            .item(
                Map.of(
                    "pk",
                    s(EVENT_PARTITION),
                    "sk",
                    s(eventKey),
                    "expiresAt",
                    n(expiresAt.getEpochSecond())))
            .conditionExpression("attribute_not_exists(pk)")
            .build();
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(TransactWriteItem.builder().put(event).build());
    writes.add(TransactWriteItem.builder().put(targetPut(next)).build());
    writes.add(TransactWriteItem.builder().put(ledgerPut(entry, expiresAt)).build());
    writes.addAll(more);
    try {
      dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
      return true;
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
        return false;
      }
      if (reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
        throw new ConcurrentUpdateException(
            (more.isEmpty() ? "target of " + next.deployment() : what)
                + " changed since it was read (expected version "
                + (next.version() - 1)
                + " of "
                + next.deployment()
                + ")");
      }
      throw e;
    }
  }

  @Override
  public void append(LedgerEntry entry, Instant expiresAt) {
    Put put = ledgerPut(entry, expiresAt);
    dynamo.putItem(PutItemRequest.builder().tableName(table).item(put.item()).build());
  }

  @Override
  public boolean handled(String eventKey) {
    Map<String, AttributeValue> item = item(EVENT_PARTITION, eventKey);
    return item != null && !item.isEmpty();
  }

  @Override
  public List<LedgerEntry> ledger(String deployment, Instant since) {
    return dynamo
        .queryPaginator(
            QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("pk = :pk AND sk >= :since")
                .expressionAttributeValues(
                    Map.of(":pk", s(LEDGER_PREFIX + deployment), ":since", s(since.toString())))
                .consistentRead(true)
                .build())
        .items()
        .stream()
        .map(item -> Json.read(item.get("entry").s(), LedgerEntry.class))
        .toList();
  }

  /** A ledger item; it expires by the table's TTL on attribute expiresAt (epoch seconds). */
  private Put ledgerPut(LedgerEntry entry, Instant expiresAt) {
    return Put.builder()
        .tableName(table)
        .item(
            Map.of(
                "pk",
                s(LEDGER_PREFIX + entry.deployment()),
                "sk",
                s(entry.key()),
                "entry",
                s(Json.compact(entry)),
                "expiresAt",
                n(expiresAt.getEpochSecond())))
        .build();
  }

  /** One item, read consistently (null or empty when there is none). */
  private Map<String, AttributeValue> item(String pk, String sk) {
    return dynamo
        .getItem(
            GetItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", s(pk), "sk", s(sk)))
                .consistentRead(true)
                .build())
        .item();
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
            r.applied().fingerprints().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
    item.put("zeroCopiesPending", AttributeValue.fromBool(r.applied().zeroCopiesPending()));
    item.put("everInService", AttributeValue.fromBool(r.applied().everInService()));
    item.put(
        "lastActions",
        AttributeValue.fromL(r.lastActions().stream().map(DynamoDbStateStore::s).toList()));
    r.waitingFor().ifPresent(w -> item.put("waitingFor", s(w)));
    r.lastError().ifPresent(e -> item.put("lastError", s(e)));
    item.put("updatedAt", s(r.updatedAt().toString()));
    r.lastGoodSpecJson().ifPresent(spec -> item.put("lastGoodSpec", s(spec)));
    item.put(
        "alarms", AttributeValue.fromL(r.alarms().stream().map(DynamoDbStateStore::s).toList()));
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
        new Applied(
            fingerprints, item.get("zeroCopiesPending").bool(), item.get("everInService").bool()),
        item.getOrDefault("lastActions", AttributeValue.fromL(List.of())).l().stream()
            .map(AttributeValue::s)
            .toList(),
        Optional.ofNullable(item.get("waitingFor")).map(AttributeValue::s),
        Optional.ofNullable(item.get("lastError")).map(AttributeValue::s),
        Instant.parse(item.get("updatedAt").s()),
        Optional.ofNullable(item.get("lastGoodSpec")).map(AttributeValue::s),
        item.getOrDefault("alarms", AttributeValue.fromL(List.of())).l().stream()
            .map(AttributeValue::s)
            .toList(),
        Long.parseLong(item.get("version").n()));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}

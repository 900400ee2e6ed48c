package dev.copyscale.twin.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.json.Json;
import dev.copyscale.twin.account.StackSettings;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.account.TwinDelays;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.sagemaker.TwinTimings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentRequest;

/**
 * The twin's whole "AWS account" as the CLI keeps it: the {@link TwinAccount} (SageMaker,
 * Application Auto Scaling, CloudWatch, Scheduler, EventBridge, Secrets Manager on one virtual
 * clock) and the stack's state table, with copyscale's services wired to them. It persists to one
 * JSON file between CLI calls, so a sequence of commands runs against one local AWS.
 */
public final class TwinWorld extends TwinAccount {
  /**
   * How a world is written and read: the world file is the account's {@link TwinAccount.State}, key
   * for key, with the stack's state table under {@code stateTable} after {@code secrets} (where the
   * file has held it since its first version).
   */
  private static final ObjectMapper STORE = TwinAccount.stateJson();

  private final InMemoryStateStore stateTable;

  private TwinWorld(TwinAccount.State account, InMemoryStateStore.Snapshot stateTable) {
    super(account);
    this.stateTable = new InMemoryStateStore(stateTable);
    // DynamoDB's TTL: the table's expired items go as time moves.
    everyStep(this.stateTable::expire);
  }

  /** A new, empty account at {@code now}, holding only the example specs' token secret. */
  public static TwinWorld fresh(Instant now) {
    return fresh(now, null, null);
  }

  public static TwinWorld fresh(Instant now, TwinTimings timings) {
    return fresh(now, timings, null);
  }

  public static TwinWorld fresh(Instant now, TwinTimings timings, TwinDelays delays) {
    return new TwinWorld(
        TwinAccount.State.fresh(now, timings, delays), InMemoryStateStore.Snapshot.empty());
  }

  /**
   * The keys every world file copyscale has written holds: a file without one of them is not a
   * world (keys added later, such as {@code delays}, take a fresh account's value when absent).
   */
  static final List<String> REQUIRED_KEYS =
      List.of(
          "now",
          "timings",
          "sageMaker",
          "autoScaling",
          "cloudWatch",
          "scheduler",
          "events",
          "secrets",
          "stateTable");

  /**
   * The world in {@code file}, which must exist ({@link WorldFile} checks that and locks it).
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it: not JSON, a key
   *     missing, a value of the wrong kind (with its path in the file)
   */
  static TwinWorld read(Path file) {
    JsonNode tree;
    try {
      tree = STORE.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonParseException e) {
      throw notAWorld(
          file,
          "it is not JSON ("
              + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("")
              + where(e.getLocation())
              + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the world file " + file, e);
    }
    if (tree == null || !tree.isObject()) {
      throw notAWorld(file, "it is not a JSON object");
    }
    List<String> missing = REQUIRED_KEYS.stream().filter(k -> !tree.hasNonNull(k)).toList();
    if (!missing.isEmpty()) {
      throw notAWorld(file, "it lacks " + String.join(", ", missing));
    }
    ObjectNode account = ((ObjectNode) tree).deepCopy();
    JsonNode table = account.remove(STATE_TABLE);
    TwinAccount.State state = mapped(file, account, TwinAccount.State.class, null);
    InMemoryStateStore.Snapshot snapshot =
        mapped(file, table, InMemoryStateStore.Snapshot.class, STATE_TABLE);
    try {
      return new TwinWorld(state, snapshot);
    } catch (RuntimeException e) {
      // A hand-edited file can hold values no world of copyscale's ever did (a null inside a
      // list): say so, not the exception's text.
      throw notAWorld(file, "its contents are not those of a world copyscale wrote");
    }
  }

  /** The world file's key that holds the stack's state table. */
  private static final String STATE_TABLE = "stateTable";

  /**
   * {@code node} read as {@code type}; {@code key} is where the file holds it (null: the top
   * level).
   */
  private static <T> T mapped(Path file, JsonNode node, Class<T> type, String key) {
    try {
      return STORE.treeToValue(node, type);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw notAWorld(file, "its " + path(key, e) + " holds a value copyscale cannot read there");
    } catch (IOException e) {
      throw notAWorld(file, "it does not parse");
    }
  }

  private static IllegalArgumentException notAWorld(Path file, String why) {
    return new IllegalArgumentException(
        "the world file "
            + file
            + " is not a twin world: "
            + why
            + "; start a new one with `copyscale world reset --world "
            + file
            + "`");
  }

  private static String where(com.fasterxml.jackson.core.JsonLocation at) {
    return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /**
   * The path in the file of a value Jackson could not map below {@code key} (null: the top level),
   * as {@code sageMaker.endpoints[0]}.
   */
  private static String path(String key, com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder path = new StringBuilder(key == null ? "" : key);
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "top level" : "key " + path;
  }

  /** Writes the world atomically (a crash never leaves half a file). */
  public synchronized void save(Path file) {
    ObjectNode document = STORE.createObjectNode();
    ObjectNode account = STORE.valueToTree(state());
    for (Map.Entry<String, JsonNode> key : account.properties()) {
      document.set(key.getKey(), key.getValue());
      if (key.getKey().equals("secrets")) {
        document.set(STATE_TABLE, STORE.valueToTree(stateTable.snapshot()));
      }
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temp = Files.createTempFile(parent, ".world", ".json");
      STORE.writeValue(temp.toFile(), document);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the world file " + file, e);
    }
  }

  public InMemoryStateStore stateTable() {
    return stateTable;
  }

  /** The twin's clients; the twin keeps no DynamoDB (its state table is in memory). */
  public Clients clients() {
    return Clients.of(
        sageMaker(), autoScaling(), cloudWatch(), eventBridge(), secrets(), scheduler(), null);
  }

  /**
   * copyscale's services on this world: its clients, state table and clock, the twin stack's
   * settings.
   */
  public Services services() {
    return new Services(
        clients(),
        stateTable,
        clock(),
        pauser(),
        StackSettings.deployConfig(),
        StackSettings.LEDGER_RETENTION);
  }

  /** Retry pauses inside a function move virtual time. */
  public Pause pauser() {
    return this::pause;
  }

  /**
   * The world as the Describe* APIs would show it: objects in AWS's member names under {@code now},
   * {@code endpoints}, {@code inferenceComponents}, {@code scalableTargets}, {@code
   * scalingPolicies}, {@code scalingActivities}, {@code alarms}, {@code schedules}.
   */
  public synchronized ObjectNode show() {
    sageMaker().settle();
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("now", clock().instant().toString());
    ArrayNode endpoints = root.putArray("endpoints");
    sageMaker().state().endpoints().values().forEach(e -> endpoints.add(endpoint(e)));
    ArrayNode components = root.putArray("inferenceComponents");
    sageMaker()
        .state()
        .components()
        .keySet()
        .forEach(
            name ->
                components.add(
                    SdkJson.of(
                        sageMaker()
                            .describeInferenceComponent(
                                DescribeInferenceComponentRequest.builder()
                                    .inferenceComponentName(name)
                                    .build()))));
    ArrayNode targets = root.putArray("scalableTargets");
    autoScaling()
        .describeScalableTargets(b -> b.serviceNamespace("sagemaker"))
        .scalableTargets()
        .forEach(t -> targets.add(SdkJson.of(t)));
    ArrayNode policies = root.putArray("scalingPolicies");
    autoScaling()
        .describeScalingPolicies(b -> b.serviceNamespace("sagemaker"))
        .scalingPolicies()
        .forEach(p -> policies.add(SdkJson.of(p)));
    ArrayNode activities = root.putArray("scalingActivities");
    autoScaling()
        .describeScalingActivities(b -> b.serviceNamespace("sagemaker"))
        .scalingActivities()
        .forEach(a -> activities.add(SdkJson.of(a)));
    ArrayNode alarms = root.putArray("alarms");
    cloudWatch().describeAlarms(b -> {}).metricAlarms().forEach(a -> alarms.add(SdkJson.of(a)));
    ArrayNode schedules = root.putArray("schedules");
    scheduler()
        .listSchedules(b -> {})
        .schedules()
        .forEach(
            s ->
                schedules.add(
                    SdkJson.of(
                        scheduler().getSchedule(g -> g.groupName(s.groupName()).name(s.name())))));
    return root;
  }

  /**
   * DescribeEndpoint's answer, with each variant's InstanceType added from its endpoint config
   * (DescribeEndpoint does not carry it, and a reader of the world wants to see it).
   */
  private ObjectNode endpoint(SageMakerState.Endpoint e) {
    ObjectNode described =
        SdkJson.of(
            sageMaker()
                .describeEndpoint(
                    DescribeEndpointRequest.builder().endpointName(e.name()).build()));
    String instanceType = sageMaker().state().endpointConfig(e.configName()).instanceType();
    described
        .withArray("ProductionVariants")
        .forEach(v -> ((ObjectNode) v).put("InstanceType", instanceType));
    return described;
  }
}

package dev.copyscale.twin.world;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.InMemoryStateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.json.Json;
import dev.copyscale.twin.autoscaling.AutoScalingTwin;
import dev.copyscale.twin.cloudwatch.AlarmActionInvocation;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.eventbridge.EventBridgeTwin;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.sagemaker.SageMakerTwin;
import dev.copyscale.twin.sagemaker.TwinTimings;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import dev.copyscale.twin.secretsmanager.SecretsManagerTwin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentRequest;

/**
 * The twin's whole "AWS account": SageMaker, Application Auto Scaling, CloudWatch, Scheduler,
 * EventBridge, Secrets Manager and the stack's state table, on one virtual clock. It persists to
 * one JSON file between CLI calls, so a sequence of commands runs against one local AWS.
 */
public final class TwinWorld {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";

  /** How often the stack's per-minute schedules run. */
  public static final Duration MINUTE = Duration.ofMinutes(1);

  /**
   * The persisted form of a world: the world file's top-level keys. A key the file lacks is a fresh
   * account's (null for {@code lastMinute}: the per-minute schedules then count from {@code now}).
   *
   * @param lastMinute the last time the stack's per-minute schedules ran
   * @param delays CloudWatch's, EventBridge's and Lambda's delays
   * @param deliveries alarm state changes on their way to the stack's rule target, in due order
   * @param lastEvaluation the last instant CloudWatch evaluated alarms at
   * @param alarmTargetWarmUntil until when the alarm rule's target function is warm (null: cold)
   */
  private record Document(
      Instant now,
      TwinTimings timings,
      SageMakerState sageMaker,
      AutoScalingTwin.State autoScaling,
      CloudWatchTwin.State cloudWatch,
      SchedulerTwin.State scheduler,
      List<EventBridgeTwin.Event> events,
      Map<String, String> secrets,
      InMemoryStateStore.Snapshot stateTable,
      Instant lastMinute,
      TwinDelays delays,
      List<Delivery> deliveries,
      Instant lastEvaluation,
      Instant alarmTargetWarmUntil) {
    private Document {
      timings = timings != null ? timings : TwinTimings.defaults();
      delays = delays != null ? delays : TwinDelays.defaults();
      deliveries = deliveries != null ? deliveries : List.of();
      sageMaker = sageMaker != null ? sageMaker : new SageMakerState();
      autoScaling = autoScaling != null ? autoScaling : new AutoScalingTwin.State();
      cloudWatch = cloudWatch != null ? cloudWatch : new CloudWatchTwin.State();
      scheduler = scheduler != null ? scheduler : SchedulerTwin.State.empty();
      events = events != null ? events : List.of();
      secrets = secrets != null ? secrets : SecretsManagerTwin.exampleSecrets();
      stateTable = stateTable != null ? stateTable : InMemoryStateStore.Snapshot.empty();
    }

    /** A new, empty account at {@code now}. */
    static Document fresh(Instant now, TwinTimings timings, TwinDelays delays) {
      return new Document(
          now, timings, null, null, null, null, null, null, null, null, delays, null, null, null);
    }
  }

  /** An alarm state change that reaches the stack's rule target at {@code due}. */
  public record Delivery(CloudWatchTwin.StateChange change, Instant due) {}

  private static final ObjectMapper STORE =
      Json.mapper()
          .copy()
          .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final VirtualClock clock;
  private final TwinTimings timings;
  private final SageMakerTwin sageMaker;
  private final CloudWatchTwin cloudWatch;
  private final AutoScalingTwin autoScaling;
  private final SchedulerTwin scheduler;
  private final EventBridgeTwin eventBridge;
  private final SecretsManagerTwin secrets;
  private final InMemoryStateStore stateTable;
  private Instant lastMinute;
  private final TwinDelays delays;
  private final java.util.ArrayList<Delivery> deliveries;
  private Instant lastEvaluation;
  private Instant alarmTargetWarmUntil;

  private TwinWorld(Document d) {
    clock = new VirtualClock(d.now());
    timings = d.timings();
    delays = d.delays();
    deliveries = new java.util.ArrayList<>(d.deliveries());
    lastEvaluation = d.lastEvaluation();
    alarmTargetWarmUntil = d.alarmTargetWarmUntil();
    sageMaker = new SageMakerTwin(clock, REGION, ACCOUNT, timings, d.sageMaker());
    cloudWatch =
        new CloudWatchTwin(clock, REGION, ACCOUNT, d.cloudWatch(), delays.metricIngestion());
    autoScaling =
        new AutoScalingTwin(clock, REGION, ACCOUNT, sageMaker, cloudWatch, d.autoScaling());
    scheduler = new SchedulerTwin(clock, REGION, ACCOUNT, d.scheduler());
    eventBridge = new EventBridgeTwin(clock, d.events());
    secrets = new SecretsManagerTwin(d.secrets());
    stateTable = new InMemoryStateStore(d.stateTable());
    lastMinute = d.lastMinute() == null ? d.now() : d.lastMinute();
  }

  /** A new, empty account at {@code now}, holding only the example specs' token secret. */
  public static TwinWorld fresh(Instant now) {
    return new TwinWorld(Document.fresh(now, null, null));
  }

  public static TwinWorld fresh(Instant now, TwinTimings timings) {
    return new TwinWorld(Document.fresh(now, timings, null));
  }

  public static TwinWorld fresh(Instant now, TwinTimings timings, TwinDelays delays) {
    return new TwinWorld(Document.fresh(now, timings, delays));
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
    com.fasterxml.jackson.databind.JsonNode tree;
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
    Document document;
    try {
      document = STORE.treeToValue(tree, Document.class);
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw notAWorld(file, "its " + path(e) + " holds a value copyscale cannot read there");
    } catch (IOException e) {
      throw notAWorld(file, "it does not parse");
    }
    try {
      return new TwinWorld(document);
    } catch (RuntimeException e) {
      // A hand-edited file can hold values no world of copyscale's ever did (a null inside a
      // list): say so, not the exception's text.
      throw notAWorld(file, "its contents are not those of a world copyscale wrote");
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

  /** The path in the file of a value Jackson could not map, as {@code sageMaker.endpoints[0]}. */
  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder path = new StringBuilder();
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
    sageMaker.settle();
    Document d =
        new Document(
            clock.instant(),
            timings,
            sageMaker.state(),
            autoScaling.state(),
            cloudWatch.state(),
            scheduler.state(),
            eventBridge.events(),
            secrets.secrets(),
            stateTable.snapshot(),
            lastMinute,
            delays,
            List.copyOf(deliveries),
            lastEvaluation,
            alarmTargetWarmUntil);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temp = Files.createTempFile(parent, ".world", ".json");
      STORE.writeValue(temp.toFile(), d);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the world file " + file, e);
    }
  }

  public VirtualClock clock() {
    return clock;
  }

  public TwinTimings timings() {
    return timings;
  }

  public TwinDelays delays() {
    return delays;
  }

  /** Alarm state changes on their way to the stack, in due order. */
  public List<Delivery> pendingDeliveries() {
    return List.copyOf(deliveries);
  }

  public SageMakerTwin sageMaker() {
    return sageMaker;
  }

  public AutoScalingTwin autoScaling() {
    return autoScaling;
  }

  public CloudWatchTwin cloudWatch() {
    return cloudWatch;
  }

  public SchedulerTwin scheduler() {
    return scheduler;
  }

  public EventBridgeTwin eventBridge() {
    return eventBridge;
  }

  public SecretsManagerTwin secrets() {
    return secrets;
  }

  public InMemoryStateStore stateTable() {
    return stateTable;
  }

  /** The twin stack's name, and the ARNs its template would give the deploy function. */
  public static final String STACK = "copyscale-twin";

  public static final String SCHEDULED_SCALING_ARN =
      "arn:aws:lambda:"
          + REGION
          + ":"
          + ACCOUNT
          + ":function:copyscale-twin-scheduled-scaling:live";
  public static final String SCHEDULER_ROLE_ARN =
      "arn:aws:iam::" + ACCOUNT + ":role/copyscale-twin-scheduler-invoke";
  public static final String FAILED_EVENTS_QUEUE_ARN =
      "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":copyscale-twin-failed-events";

  /** The twin's clients; the twin keeps no DynamoDB (its state table is in memory). */
  public Clients clients() {
    return Clients.of(sageMaker, autoScaling, cloudWatch, eventBridge, secrets, scheduler, null);
  }

  /**
   * copyscale's services on this world: its clients, state table and clock, the twin stack's
   * settings.
   */
  public Services services() {
    return new Services(clients(), stateTable, clock, pauser(), deployConfig(), LEDGER_RETENTION);
  }

  /**
   * How long the twin stack keeps ledger entries and handled-event ids (template.yaml's default).
   */
  public static final Duration LEDGER_RETENTION = Duration.ofDays(30);

  /** The deploy function's configuration in the twin stack (any execution role may be passed). */
  public DeployConfig deployConfig() {
    return new DeployConfig(
        STACK,
        Optional.empty(),
        Optional.of(SCHEDULED_SCALING_ARN),
        Optional.of(SCHEDULER_ROLE_ARN),
        Optional.of(FAILED_EVENTS_QUEUE_ARN));
  }

  /** Retry pauses inside a function move virtual time. */
  public Pause pauser() {
    return this::pause;
  }

  /**
   * Moves time forward by {@code duration}: SageMaker transitions complete as they fall due; the
   * stack's per-minute schedules run at each whole virtual minute; schedules fire at their times;
   * alarm state changes are delivered. Everything happens in time order.
   */
  public void advance(Duration duration, Stack stack) {
    Instant end = clock.instant().plus(duration);
    deliverAlarms(stack);
    while (true) {
      Instant nextMinute = nextMinute();
      List<SchedulerTwin.Firing> firings = scheduler.firings(clock.instant(), end);
      Instant nextFiring = firings.isEmpty() ? null : firings.get(0).at();
      Instant nextEvaluation = nextEvaluation();
      Instant nextDelivery = deliveries.isEmpty() ? null : deliveries.get(0).due();
      Instant next = nextMinute;
      for (Instant candidate : new Instant[] {nextFiring, nextEvaluation, nextDelivery}) {
        if (candidate != null && candidate.isBefore(next)) {
          next = candidate;
        }
      }
      if (next.isAfter(end)) {
        break;
      }
      clock.advanceTo(next);
      sageMaker.settle();
      stateTable.expire(next);
      if (next.equals(nextFiring)) {
        for (SchedulerTwin.Firing f : firings) {
          if (f.at().equals(next)) {
            stack.scheduleFired(f);
          }
        }
      }
      if (next.equals(nextMinute)) {
        lastMinute = nextMinute;
        stack.everyMinute(next);
        // The per-minute reconcile schedules invoke the alarm rule's target (the step-scaling
        // function) too.
        alarmTargetWarmUntil = next.plus(delays.keepWarm());
      }
      if (next.equals(nextEvaluation)) {
        publishIdleMetrics(next);
        evaluateAlarms(stack);
      }
      deliverAlarms(stack);
    }
    if (end.isAfter(clock.instant())) {
      clock.advanceTo(end);
    }
    sageMaker.settle();
  }

  /**
   * The next tick of the per-minute schedules: a whole minute after the last one that ran. Ticks
   * that passed while time moved without the stack ({@link #pause}) are skipped, not replayed.
   */
  private Instant nextMinute() {
    Instant now = clock.instant();
    Instant next = lastMinute.plus(MINUTE);
    if (next.isBefore(now)) {
      long behind = Duration.between(next, now).toSeconds() / MINUTE.toSeconds();
      next = next.plus(MINUTE.multipliedBy(behind));
      if (next.isBefore(now)) {
        next = next.plus(MINUTE);
      }
    }
    return next;
  }

  /** Moves time without running the stack: what a function's retry pause costs. */
  public void pause(Duration duration) {
    clock.advanceTo(clock.instant().plus(duration));
    sageMaker.settle();
  }

  /**
   * CloudWatch's evaluation at this instant: alarms due now are evaluated on the published metrics;
   * Auto Scaling actions run in Application Auto Scaling (after CloudWatch's lock is released: AAS
   * takes its own first); state changes reach the stack's rule. The simulator calls it every 10
   * seconds while traffic flows.
   */
  public void evaluateAlarms(Stack stack) {
    Instant now = clock.instant();
    if (lastEvaluation == null || now.isAfter(lastEvaluation)) {
      lastEvaluation = now;
      for (AlarmActionInvocation action : cloudWatch.evaluateAlarms(now)) {
        autoScaling.invoke(action);
      }
    }
    deliverAlarms(stack);
  }

  /**
   * The next instant CloudWatch evaluates alarms at: the next 10-second boundary while an endpoint
   * exists (SageMaker publishes every 10 s then) or a 10- or 30-second alarm exists, else the next
   * whole minute (standard alarms are evaluated every minute).
   */
  private Instant nextEvaluation() {
    boolean fine =
        !sageMaker.state().endpoints().isEmpty()
            || cloudWatch.state().alarms().values().stream().anyMatch(a -> a.period() < 60);
    long step = fine ? 10 : 60;
    Instant now = clock.instant();
    long t = now.getEpochSecond();
    Instant next =
        now.getNano() == 0 && t % step == 0
            ? now
            : Instant.ofEpochSecond(Math.floorDiv(t, step) * step + step);
    return lastEvaluation != null && !next.isAfter(lastEvaluation) ? next.plusSeconds(step) : next;
  }

  /**
   * What SageMaker publishes for the 10 seconds ending at {@code boundary} when no request reports
   * anything (no traffic source published that period): for each inference component the copy
   * counts, and, when {@link TwinDelays#idleConcurrencyPublished}, ConcurrentRequestsPerCopy 0
   * while copies serve and ConcurrentRequestsPerModel 0 for the variant while it has instances.
   * Event metrics (Invocations, ModelLatency, failures) have no datapoint without events.
   */
  private void publishIdleMetrics(Instant boundary) {
    if (boundary.getEpochSecond() % 10 != 0) {
      return;
    }
    Instant start = boundary.minusSeconds(10);
    String ns = dev.copyscale.spec.Metric.Namespace.INVOCATIONS;
    for (SageMakerState.Component c : sageMaker.state().components().values()) {
      Map<String, String> component = Map.of("InferenceComponentName", c.name());
      if (cloudWatch.published(ns, IDLE_DESIRED, component, start)) {
        continue;
      }
      SageMakerState.Endpoint endpoint = sageMaker.state().endpoints().get(c.endpointName());
      int instances = endpoint == null ? 0 : endpoint.instances().size();
      int serving = 0;
      if (c.deletingUntil() == null) {
        for (SageMakerState.Copy copy : c.copies()) {
          if (!copy.readyAt().isAfter(boundary)) {
            serving++;
          }
        }
      }
      cloudWatch.publish(
          ns,
          IDLE_DESIRED,
          component,
          start,
          c.desiredCopies(),
          1,
          c.desiredCopies(),
          c.desiredCopies());
      cloudWatch.publish(ns, "CurrentCopyCount", component, start, serving, 1, serving, serving);
      if (delays.idleConcurrencyPublished() && serving > 0) {
        cloudWatch.publish(
            ns,
            dev.copyscale.spec.Metric.CONCURRENT_REQUESTS_PER_COPY.metricName(),
            component,
            start,
            0,
            1,
            0,
            0);
      }
      if (delays.idleConcurrencyPublished() && instances > 0) {
        cloudWatch.publish(
            ns,
            dev.copyscale.spec.Metric.VARIANT_CONCURRENT_REQUESTS_PER_MODEL.metricName(),
            Map.of("EndpointName", c.endpointName(), "VariantName", c.variantName()),
            start,
            0,
            1,
            0,
            0);
      }
    }
  }

  private static final String IDLE_DESIRED = "DesiredCopyCount";

  /**
   * Queues the alarm state changes CloudWatch recorded since the last call for the EventBridge rule
   * (due after EventBridge's delivery and the target function's cold or warm start), then hands the
   * stack those now due.
   */
  private void deliverAlarms(Stack stack) {
    for (CloudWatchTwin.StateChange change : cloudWatch.drainStateChanges()) {
      Instant invoked = change.at().plus(delays.eventDelivery());
      boolean warm = alarmTargetWarmUntil != null && !invoked.isAfter(alarmTargetWarmUntil);
      Instant due = change.at().plus(delays.untilHandler(warm));
      int i = deliveries.size();
      while (i > 0 && deliveries.get(i - 1).due().isAfter(due)) {
        i--;
      }
      deliveries.add(i, new Delivery(change, due));
      alarmTargetWarmUntil = due.plus(delays.keepWarm());
    }
    Instant now = clock.instant();
    while (!deliveries.isEmpty() && !deliveries.get(0).due().isAfter(now)) {
      stack.alarmStateChanged(deliveries.remove(0).change());
    }
  }

  /**
   * The world as the Describe* APIs would show it: objects in AWS's member names under {@code now},
   * {@code endpoints}, {@code inferenceComponents}, {@code scalableTargets}, {@code
   * scalingPolicies}, {@code scalingActivities}, {@code alarms}, {@code schedules}.
   */
  public synchronized ObjectNode show() {
    sageMaker.settle();
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("now", clock.instant().toString());
    ArrayNode endpoints = root.putArray("endpoints");
    sageMaker.state().endpoints().values().forEach(e -> endpoints.add(endpoint(e)));
    ArrayNode components = root.putArray("inferenceComponents");
    sageMaker
        .state()
        .components()
        .keySet()
        .forEach(
            name ->
                components.add(
                    SdkJson.of(
                        sageMaker.describeInferenceComponent(
                            DescribeInferenceComponentRequest.builder()
                                .inferenceComponentName(name)
                                .build()))));
    ArrayNode targets = root.putArray("scalableTargets");
    autoScaling
        .describeScalableTargets(b -> b.serviceNamespace("sagemaker"))
        .scalableTargets()
        .forEach(t -> targets.add(SdkJson.of(t)));
    ArrayNode policies = root.putArray("scalingPolicies");
    autoScaling
        .describeScalingPolicies(b -> b.serviceNamespace("sagemaker"))
        .scalingPolicies()
        .forEach(p -> policies.add(SdkJson.of(p)));
    ArrayNode activities = root.putArray("scalingActivities");
    autoScaling
        .describeScalingActivities(b -> b.serviceNamespace("sagemaker"))
        .scalingActivities()
        .forEach(a -> activities.add(SdkJson.of(a)));
    ArrayNode alarms = root.putArray("alarms");
    cloudWatch.describeAlarms(b -> {}).metricAlarms().forEach(a -> alarms.add(SdkJson.of(a)));
    ArrayNode schedules = root.putArray("schedules");
    scheduler
        .listSchedules(b -> {})
        .schedules()
        .forEach(
            s ->
                schedules.add(
                    SdkJson.of(
                        scheduler.getSchedule(g -> g.groupName(s.groupName()).name(s.name())))));
    return root;
  }

  /**
   * DescribeEndpoint's answer, with each variant's InstanceType added from its endpoint config
   * (DescribeEndpoint does not carry it, and a reader of the world wants to see it).
   */
  private ObjectNode endpoint(SageMakerState.Endpoint e) {
    ObjectNode described =
        SdkJson.of(
            sageMaker.describeEndpoint(
                DescribeEndpointRequest.builder().endpointName(e.name()).build()));
    String instanceType = sageMaker.state().endpointConfig(e.configName()).instanceType();
    described
        .withArray("ProductionVariants")
        .forEach(v -> ((ObjectNode) v).put("InstanceType", instanceType));
    return described;
  }
}

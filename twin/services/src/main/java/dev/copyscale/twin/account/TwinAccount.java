package dev.copyscale.twin.account;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The twin's "AWS account": SageMaker, Application Auto Scaling, CloudWatch, Scheduler, EventBridge
 * and Secrets Manager on one virtual clock, and what moves them as time passes: SageMaker's
 * transitions, Scheduler's firings, CloudWatch's alarm evaluation and the delivery of alarm state
 * changes to the {@link Stack}. Its {@link State} is what a world file holds of it; the world above
 * (the CLI's) adds the stack's state table and the file.
 */
public class TwinAccount {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";

  /** How often the stack's per-minute schedules run. */
  public static final Duration MINUTE = Duration.ofMinutes(1);

  /**
   * The persisted form of an account: its keys are the world file's (but its state table). A key
   * the file lacks is a fresh account's (null for {@code lastMinute}: the per-minute schedules then
   * count from {@code now}).
   *
   * @param lastMinute the last time the stack's per-minute schedules ran
   * @param delays CloudWatch's, EventBridge's and Lambda's delays
   * @param deliveries alarm state changes on their way to the stack's rule target, in due order
   * @param lastEvaluation the last instant CloudWatch evaluated alarms at
   * @param alarmTargetWarmUntil until when the alarm rule's target function is warm (null: cold)
   */
  public record State(
      Instant now,
      TwinTimings timings,
      SageMakerState sageMaker,
      AutoScalingTwin.State autoScaling,
      CloudWatchTwin.State cloudWatch,
      SchedulerTwin.State scheduler,
      List<EventBridgeTwin.Event> events,
      Map<String, String> secrets,
      Instant lastMinute,
      TwinDelays delays,
      List<Delivery> deliveries,
      Instant lastEvaluation,
      Instant alarmTargetWarmUntil) {
    public State {
      timings = timings != null ? timings : TwinTimings.defaults();
      delays = delays != null ? delays : TwinDelays.defaults();
      deliveries = deliveries != null ? deliveries : List.of();
      sageMaker = sageMaker != null ? sageMaker : new SageMakerState();
      autoScaling = autoScaling != null ? autoScaling : new AutoScalingTwin.State();
      cloudWatch = cloudWatch != null ? cloudWatch : new CloudWatchTwin.State();
      scheduler = scheduler != null ? scheduler : SchedulerTwin.State.empty();
      events = events != null ? events : List.of();
      secrets = secrets != null ? secrets : SecretsManagerTwin.exampleSecrets();
    }

    /** A new, empty account at {@code now}; null timings or delays are the defaults. */
    public static State fresh(Instant now, TwinTimings timings, TwinDelays delays) {
      return new State(
          now, timings, null, null, null, null, null, null, null, delays, null, null, null);
    }
  }

  /** An alarm state change that reaches the stack's rule target at {@code due}. */
  public record Delivery(CloudWatchTwin.StateChange change, Instant due) {}

  private static final ObjectMapper STATE_JSON =
      Json.mapper()
          .copy()
          .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          // A state written through a tree (the world file) keeps each number as written
          // (durations are decimal seconds: 100.000000000).
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private final VirtualClock clock;
  private final TwinTimings timings;
  private final SageMakerTwin sageMaker;
  private final CloudWatchTwin cloudWatch;
  private final AutoScalingTwin autoScaling;
  private final SchedulerTwin scheduler;
  private final EventBridgeTwin eventBridge;
  private final SecretsManagerTwin secrets;
  private Instant lastMinute;
  private final TwinDelays delays;
  private final ArrayList<Delivery> deliveries;
  private Instant lastEvaluation;
  private Instant alarmTargetWarmUntil;
  private final List<Consumer<Instant>> steps = new ArrayList<>();

  /** A new, empty account at {@code now}, holding only the example specs' token secret. */
  public TwinAccount(Instant now) {
    this(State.fresh(now, null, null));
  }

  public TwinAccount(Instant now, TwinTimings timings) {
    this(State.fresh(now, timings, null));
  }

  public TwinAccount(Instant now, TwinTimings timings, TwinDelays delays) {
    this(State.fresh(now, timings, delays));
  }

  /** The account {@code state} describes, as {@link #state()} left it. */
  public TwinAccount(State state) {
    clock = new VirtualClock(state.now());
    timings = state.timings();
    delays = state.delays();
    deliveries = new ArrayList<>(state.deliveries());
    lastEvaluation = state.lastEvaluation();
    alarmTargetWarmUntil = state.alarmTargetWarmUntil();
    sageMaker = new SageMakerTwin(clock, REGION, ACCOUNT, timings, state.sageMaker());
    cloudWatch =
        new CloudWatchTwin(clock, REGION, ACCOUNT, state.cloudWatch(), delays.metricIngestion());
    autoScaling =
        new AutoScalingTwin(clock, REGION, ACCOUNT, sageMaker, cloudWatch, state.autoScaling());
    scheduler = new SchedulerTwin(clock, REGION, ACCOUNT, state.scheduler());
    eventBridge = new EventBridgeTwin(clock, state.events());
    secrets = new SecretsManagerTwin(state.secrets());
    lastMinute = state.lastMinute() == null ? state.now() : state.lastMinute();
  }

  /** The account as it stands now (SageMaker's due transitions applied), to persist. */
  public State state() {
    sageMaker.settle();
    return new State(
        clock.instant(),
        timings,
        sageMaker.state(),
        autoScaling.state(),
        cloudWatch.state(),
        scheduler.state(),
        eventBridge.events(),
        secrets.secrets(),
        lastMinute,
        delays,
        List.copyOf(deliveries),
        lastEvaluation,
        alarmTargetWarmUntil);
  }

  /**
   * How an account's {@link State} is written and read (the world file uses it): every field under
   * its own name (so a field's name is a key of the world file, and renaming one breaks saved
   * worlds), maps in key order, indented.
   */
  public static ObjectMapper stateJson() {
    return STATE_JSON;
  }

  /**
   * Runs {@code step} at each instant {@link #advance} stops at, after SageMaker's transitions due
   * then and before the stack's work: the world expires its state table's items there.
   */
  public void everyStep(Consumer<Instant> step) {
    steps.add(step);
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
      for (Consumer<Instant> step : steps) {
        step.accept(next);
      }
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
}

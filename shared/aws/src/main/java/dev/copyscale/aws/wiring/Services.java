package dev.copyscale.aws.wiring;

import dev.copyscale.aws.apply.BoundsWriter;
import dev.copyscale.aws.apply.CapacityConvergence;
import dev.copyscale.aws.apply.CapacityWriter;
import dev.copyscale.aws.apply.DecisionLoop;
import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.engine.Engines;
import dev.copyscale.aws.engine.NativeEngine;
import dev.copyscale.aws.engine.ScheduleEngine;
import dev.copyscale.aws.engine.SloEngine;
import dev.copyscale.aws.engine.StepEngine;
import dev.copyscale.aws.lambda.LambdaEnvironment;
import dev.copyscale.aws.observe.AlarmReader;
import dev.copyscale.aws.observe.LiveCapacityReader;
import dev.copyscale.aws.observe.MetricHistoryReader;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.scaling.ScheduleService;
import dev.copyscale.aws.scaling.Specs;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.spec.DeploymentSpec.Engine;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The one place copyscale's services are put together: from clients, a state store, a clock, how to
 * wait between retries, the stack's settings and the catalog. The Lambda functions, the twin and
 * the tests all build their services here.
 *
 * @param ledgerRetention how long ledger entries and handled-event ids are kept
 */
public record Services(
    Clients clients,
    StateStore store,
    Clock clock,
    Pause pause,
    DeployConfig config,
    Duration ledgerRetention,
    Catalog catalog) {

  /** With the catalog copyscale ships. */
  public Services(
      Clients clients,
      StateStore store,
      Clock clock,
      Pause pause,
      DeployConfig config,
      Duration ledgerRetention) {
    this(clients, store, clock, pause, config, ledgerRetention, Catalog.bundled());
  }

  /**
   * As the Lambda functions run: real clients (built on first use), the stack's table, the wall
   * clock.
   */
  public static Services fromLambdaEnvironment() {
    Clients clients = Clients.real();
    return new Services(
        clients,
        new DynamoDbStateStore(clients.dynamoDb(), LambdaEnvironment.stateTable()),
        Clock.systemUTC(),
        Pause.SLEEP,
        new DeployConfig(
            LambdaEnvironment.stack(),
            LambdaEnvironment.optional("SAGEMAKER_EXECUTION_ROLE_ARN"),
            LambdaEnvironment.optional("SCHEDULE_TARGET_ARN"),
            LambdaEnvironment.optional("SCHEDULER_ROLE_ARN"),
            LambdaEnvironment.optional("FAILED_EVENTS_QUEUE_ARN")),
        LambdaEnvironment.ledgerRetention());
  }

  /**
   * Every engine: the dynamic one each {@code scaling.engine} value names, and the schedules. A new
   * engine is one class and one line here.
   */
  public Engines engines() {
    DecisionLoop loop = decisionLoop();
    LiveCapacityReader capacity = new LiveCapacityReader(clients);
    return new Engines(
        Map.of(
            Engine.NATIVE, new NativeEngine(),
            Engine.ORCHESTRATED,
                new StepEngine(loop, capacity, new AlarmReader(clients), store, clock),
            Engine.SLO,
                new SloEngine(loop, capacity, new MetricHistoryReader(clients), catalog, clock)),
        new ScheduleEngine(loop, capacity, store, clock, ledgerRetention));
  }

  public DeployService deploy() {
    return new DeployService(clients, store, clock, config, ledgerRetention, engines(), catalog);
  }

  public AlarmService alarms() {
    return new AlarmService(engines(), store, clock, new Specs(catalog), ledgerRetention);
  }

  public ScheduleService schedules() {
    return new ScheduleService(engines(), store, clock, new Specs(catalog));
  }

  /** The one loop every engine commits its decisions through. */
  public DecisionLoop decisionLoop() {
    CapacityWriter writer = new CapacityWriter(clients, pause);
    return new DecisionLoop(
        store,
        writer,
        new BoundsWriter(clients),
        new CapacityConvergence(store, writer, clock, ledgerRetention),
        new LiveCapacityReader(clients),
        clock,
        ledgerRetention);
  }

  public Services withConfig(DeployConfig config) {
    return new Services(clients, store, clock, pause, config, ledgerRetention, catalog);
  }

  public Services withClients(Clients clients) {
    return new Services(clients, store, clock, pause, config, ledgerRetention, catalog);
  }

  public Services withStore(StateStore store) {
    return new Services(clients, store, clock, pause, config, ledgerRetention, catalog);
  }
}

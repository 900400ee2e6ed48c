package dev.copyscale.aws.wiring;

import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.lambda.LambdaEnvironment;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.scaling.CapacityWriter;
import dev.copyscale.aws.scaling.ScheduleService;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.deploy.DeployConfig;
import java.time.Clock;
import java.time.Duration;

/**
 * The one place copyscale's services are put together: from clients, a state store, a clock, how to
 * wait between retries, and the stack's settings. The Lambda functions, the twin and the tests all
 * build their services here.
 *
 * @param ledgerRetention how long ledger entries and handled-event ids are kept
 */
public record Services(
    Clients clients,
    StateStore store,
    Clock clock,
    Pause pause,
    DeployConfig config,
    Duration ledgerRetention) {

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

  public DeployService deploy() {
    return new DeployService(clients, store, clock, config, ledgerRetention);
  }

  public AlarmService alarms() {
    return new AlarmService(clients, store, clock, capacityWriter(), ledgerRetention);
  }

  public ScheduleService schedules() {
    return new ScheduleService(clients, store, clock, capacityWriter(), ledgerRetention);
  }

  public CapacityWriter capacityWriter() {
    return new CapacityWriter(clients, pause);
  }

  public Services withConfig(DeployConfig config) {
    return new Services(clients, store, clock, pause, config, ledgerRetention);
  }

  public Services withClients(Clients clients) {
    return new Services(clients, store, clock, pause, config, ledgerRetention);
  }

  public Services withStore(StateStore store) {
    return new Services(clients, store, clock, pause, config, ledgerRetention);
  }
}

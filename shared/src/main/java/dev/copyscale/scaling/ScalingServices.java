package dev.copyscale.scaling;

import dev.copyscale.aws.AwsClients;
import dev.copyscale.aws.LambdaEnvironment;
import dev.copyscale.aws.Pause;
import dev.copyscale.state.DynamoDbStateStore;
import java.time.Clock;

/** The scaling services as the Lambda functions build them: real clients, the stack's table, wall clock. */
public final class ScalingServices {
  private ScalingServices() {}

  public static AlarmService alarmsFromLambdaEnvironment() {
    ScalingClients aws = AwsClients.scaling();
    return new AlarmService(aws, new DynamoDbStateStore(AwsClients.dynamoDb(), LambdaEnvironment.stateTable()), Clock.systemUTC(),
        new CapacityWriter(aws, Pause.SLEEP), LambdaEnvironment.ledgerRetention());
  }

  public static ScheduleService schedulesFromLambdaEnvironment() {
    ScalingClients aws = AwsClients.scaling();
    return new ScheduleService(aws, new DynamoDbStateStore(AwsClients.dynamoDb(), LambdaEnvironment.stateTable()), Clock.systemUTC(),
        new CapacityWriter(aws, Pause.SLEEP), LambdaEnvironment.ledgerRetention());
  }
}

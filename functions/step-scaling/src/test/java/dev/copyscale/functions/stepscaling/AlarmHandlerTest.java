package dev.copyscale.functions.stepscaling;

import static dev.copyscale.aws.testing.LambdaInvocations.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.CloudWatchMetricAlarmEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.testing.LambdaInvocations;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.testing.RepoFiles;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The step-scaling handler as Lambda runs it, on the twin with the orchestrated example deployed (2
 * copies on 1 ml.g5.12xlarge): both alarm shapes of events/ reach the service, the response is the
 * result (a list under "results" for the per-minute tick), the function's account is the one its
 * context names, and malformed input fails clearly. What the service does with the events is tested
 * in shared/aws (AlarmServiceTest, on the state table in memory and on DynamoDB).
 */
class AlarmHandlerTest {
  TwinStack stack;
  AlarmHandler handler;
  final Context context = LambdaInvocations.twinContext("copyscale-test-step-scaling");

  @BeforeEach
  void deployed() {
    stack = TwinStack.deployed("deploy-llama3-8b-orchestrated.json").catchUpWithTheEvents();
    handler = new AlarmHandler(stack.services().alarms());
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(2);
  }

  @Test
  void theEventBridgeShapeAnswersWithItsResult() {
    JsonNode result = invoke(handler, "alarm-eventbridge-burst.json", context);
    assertThat(result.get("deployment").asText()).isEqualTo("llama3-chat");
    assertThat(result.get("trigger").asText()).isEqualTo("copyscale-llama3-chat-burst");
    assertThat(result.get("outcome").asText()).isEqualTo("PENDING");
    assertThat(result.get("reason").asText()).contains("endpoint is Updating");
    assertThat(result.get("from").asInt()).isEqualTo(2);
  }

  @Test
  void theDirectLambdaAlarmActionShapeIsTheOneTheRuntimeHandsOver() {
    CloudWatchMetricAlarmEvent typed =
        EventLoader.loadEvent(
            RepoFiles.path("events/alarm-lambda-action-burst.json").toString(),
            CloudWatchMetricAlarmEvent.class);
    assertThat(typed.getAlarmData().getAlarmName()).isEqualTo("copyscale-llama3-chat-burst");
    assertThat(typed.getAlarmData().getState().getValue()).isEqualTo("ALARM");
    JsonNode result = invoke(handler, "alarm-lambda-action-burst.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("SCALED");
    assertThat(result.get("to").asInt()).isEqualTo(3);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(3);
  }

  @Test
  void theMinuteTickAnswersWithEveryResultUnderResults() {
    invoke(handler, "alarm-eventbridge-burst.json", context);
    // the second instance is up: the tick writes the copies it was waiting for
    stack.account().pause(Duration.ofMinutes(10));
    assertThat(invoke(handler, LambdaInvocations.TICK, context).get("results"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("outcome").asText()).isEqualTo("SCALED");
              assertThat(r.get("to").asInt()).isEqualTo(6);
            });
  }

  @Test
  void theFunctionsAccountIsTheOneItsContextNames() {
    // The same event, delivered to a function of another account: not this stack's to act on.
    Context elsewhere =
        LambdaInvocations.invokedAs(
            "arn:aws:lambda:us-east-1:999999999999:function:copyscale-step-scaling");
    JsonNode result = invoke(handler, "alarm-eventbridge-burst.json", elsewhere);
    assertThat(result.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(result.get("reason").asText()).contains("999999999999");
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(2);
    assertThat(stack.store().ledger("llama3-chat", Instant.EPOCH)).isEmpty();
  }

  @Test
  void malformedJsonIsAClearError() {
    assertThatThrownBy(() -> invoke(handler, "alarm-malformed.json", context))
        .hasMessageStartingWith("alarm event is not valid JSON");
    assertThat(stack.store().ledger("llama3-chat", Instant.EPOCH)).isEmpty();
  }
}

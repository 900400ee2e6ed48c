package dev.copyscale.functions.scheduledscaling;

import static dev.copyscale.aws.testing.LambdaInvocations.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.testing.LambdaInvocations;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.testing.RepoFiles;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;

/**
 * The scheduled-scaling handler as Lambda runs it, on the twin with the fitting example deployed
 * (business hours in force: bounds 4..8, 4 copies): the event shapes of events/ reach the service,
 * the response is the result (a list under "results" for the reconcile tick), and bad events fail
 * clearly and change nothing. What the service does with them is tested in shared/aws
 * (ScheduleServiceTest).
 */
class ScheduleHandlerTest {
  private TwinStack stack;
  private ScheduleHandler handler;
  private final Context context = LambdaInvocations.twinContext("copyscale-test-scheduled-scaling");

  @BeforeEach
  void deployed() {
    stack = TwinStack.deployed("deploy-llama3-8b.json");
    handler = new ScheduleHandler(stack.services().schedules());
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(4);
  }

  private ScalableTarget target() {
    return stack
        .account()
        .autoScaling()
        .describeScalableTargets(
            b -> b.serviceNamespace("sagemaker").resourceIds("inference-component/llama3-chat-ic"))
        .scalableTargets()
        .get(0);
  }

  @Test
  void aScheduleFiringAnswersWithItsResult() {
    JsonNode result = invoke(handler, "schedule-business-hours.json", context);
    // business hours already applied by the deploy: bounds and count are right, nothing to change
    assertThat(result.get("outcome").asText()).isEqualTo("NO_CHANGE");
    assertThat(result.get("deployment").asText()).isEqualTo("llama3-chat");
  }

  @Test
  void explicitBoundsAndTheClassicScheduledEventShape() {
    assertThat(invoke(handler, "schedule-explicit-bounds.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
    assertThat(target().minCapacity()).isEqualTo(2);
    assertThat(target().maxCapacity()).isEqualTo(6);

    ScheduledEvent typed =
        EventLoader.loadEvent(
            RepoFiles.path("events/schedule-scheduled-event.json").toString(),
            ScheduledEvent.class);
    assertThat(typed.getDetailType()).isEqualTo("Scheduled Event");
    assertThat(invoke(handler, "schedule-scheduled-event.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
  }

  @Test
  void badEventsFailClearlyAndChangeNothing() {
    assertThatThrownBy(() -> invoke(handler, "schedule-malformed.json", context))
        .hasMessageStartingWith("schedule event is not valid JSON");
    // the service's refusals reach Lambda as the invocation's error
    assertThatThrownBy(() -> invoke(handler, "schedule-unknown-deployment.json", context))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(4);
  }

  @Test
  void theMinuteTickAnswersWithEveryResultUnderResults() {
    // 19:00Z = 20:00 in Berlin: the nights window began, and its firing never came
    stack.account().pause(Duration.ofHours(10));
    assertThat(invoke(handler, LambdaInvocations.TICK, context).get("results"))
        .singleElement()
        .satisfies(
            r -> assertThat(r.get("reason").asText()).startsWith("reconcile: window nights"));
    // healed: the next tick has nothing to do, and says so with an empty list
    assertThat(invoke(handler, LambdaInvocations.TICK, context).get("results")).isEmpty();
  }
}

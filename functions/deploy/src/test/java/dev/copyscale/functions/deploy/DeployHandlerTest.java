package dev.copyscale.functions.deploy;

import static dev.copyscale.aws.testing.LambdaInvocations.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.testing.LambdaInvocations;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.spec.InvalidSpecException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deploy handler as Lambda runs it, on the events of events/: each shape reaches the service,
 * the response is the result (a list under "results" for the reconcile tick), and bad events fail
 * clearly and change nothing. What the service does with them is tested in shared/aws
 * (DeployOnTwinTest).
 */
class DeployHandlerTest {
  private TwinStack stack;
  private DeployHandler handler;
  private final Context context = LambdaInvocations.twinContext("copyscale-test-deploy");

  @BeforeEach
  void freshTwin() {
    stack = TwinStack.fresh(TwinStack.START);
    handler = new DeployHandler(stack.services().deploy());
  }

  @Test
  void theSpecAsEventStartsTheDeployment() {
    JsonNode response = invoke(handler, "deploy-llama3-8b.json", context);
    assertThat(response.get("deployment").asText()).isEqualTo("llama3-chat");
    assertThat(response.get("phase").asText()).isEqualTo("Creating");
    assertThat(response.get("actions")).hasSize(3);
    assertThat(response.get("observed").get("endpointStatus").asText()).isEqualTo("Creating");
  }

  @Test
  void anEventBridgeEventCarriesTheSpecInDetail() {
    JsonNode response = invoke(handler, "deploy-eventbridge.json", context);
    assertThat(response.get("phase").asText()).isEqualTo("Creating");
    assertThat(stack.store().deployment("llama3-chat")).isPresent();
  }

  @Test
  void theReconcileTickAnswersForEveryDeployment() {
    invoke(handler, "deploy-llama3-8b.json", context);
    JsonNode response = invoke(handler, "deploy-reconcile.json", context);
    assertThat(response.get("results")).hasSize(1);
    assertThat(response.get("results").get(0).get("waitingFor").asText())
        .isEqualTo("endpoint llama3-chat is Creating");
  }

  @Test
  void badEventsFailClearlyAndChangeNothing() {
    assertThatThrownBy(() -> invoke(handler, "deploy-invalid-spec.json", context))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("component.copies: -1 is out of range")
        .hasMessageContaining("scaling.stepPolicies[0].steps[1]: overlaps step 0");
    assertThatThrownBy(() -> invoke(handler, "deploy-malformed.json", context))
        .hasMessageStartingWith("deploy event is not valid JSON");
    assertThatThrownBy(() -> invoke(handler, "deploy-unknown-deployment.json", context))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThat(stack.account().sageMaker().state().models()).isEmpty();
    assertThat(stack.store().deployments()).isEmpty();
  }

  @Test
  void aKeyGivenTwiceIsRefusedAndChangesNothing() {
    // The last "copies" used to win: the spec deployed with a value its author may not have meant.
    String spec =
        new String(TwinStack.event("deploy-llama3-8b.json"), StandardCharsets.UTF_8)
            .replaceFirst("\"copies\": 4", "\"copies\": 4, \"copies\": 16");
    assertThat(spec).contains("\"copies\": 16");
    assertThatThrownBy(() -> invoke(handler, spec.getBytes(StandardCharsets.UTF_8), context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key \"copies\" appears twice in one object");
    assertThat(stack.account().sageMaker().state().models()).isEmpty();
    assertThat(stack.store().deployments()).isEmpty();
  }

  /** A spec with two components and eight adapters on one endpoint starts like any other. */
  @Test
  void aSpecWithSeveralComponentsStartsTheDeployment() {
    JsonNode response = invoke(handler, "deploy-shared-endpoint.json", context);
    assertThat(response.get("deployment").asText()).isEqualTo("shared");
    assertThat(response.get("phase").asText()).isEqualTo("Creating");
    // Two models (two containers), the endpoint config and the endpoint.
    assertThat(response.get("actions")).hasSize(4);
  }

  /** Engine slo on one of several components is accepted: the arbiter grants its decisions. */
  @Test
  void engineSloOnASharedEndpointStartsTheDeployment() {
    JsonNode response = invoke(handler, "deploy-shared-endpoint-slo.json", context);
    assertThat(response.get("deployment").asText()).isEqualTo("shared");
    assertThat(response.get("phase").asText()).isEqualTo("Creating");
  }
}

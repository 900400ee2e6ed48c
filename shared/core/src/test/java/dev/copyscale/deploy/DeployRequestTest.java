package dev.copyscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import org.junit.jupiter.api.Test;

class DeployRequestTest {
  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  @Test
  void aSpecIsASubmission() throws Exception {
    assertThat(DeployRequest.parse(json("{\"apiVersion\": \"copyscale/v1\", \"name\": \"x\"}")))
        .isInstanceOf(DeployRequest.Submit.class);
  }

  @Test
  void anEventBridgeEventCarriesItsRequestInDetail() throws Exception {
    JsonNode event =
        json(
            "{\"version\": \"0\", \"id\": \"e1\", \"detail-type\": \"copyscale deploy\","
                + " \"source\": \"my.ci\", \"detail\": {\"deployment\": \"llama3-chat\","
                + " \"action\": \"delete\"}}");
    assertThat(DeployRequest.parse(event)).isEqualTo(new DeployRequest.Delete("llama3-chat"));
  }

  @Test
  void continueDeleteAndReconcile() throws Exception {
    assertThat(DeployRequest.parse(json("{\"deployment\": \"a\"}")))
        .isEqualTo(new DeployRequest.Resume("a"));
    assertThat(DeployRequest.parse(json("{\"deployment\": \"a\", \"action\": \"delete\"}")))
        .isEqualTo(new DeployRequest.Delete("a"));
    assertThat(DeployRequest.parse(json("{\"action\": \"reconcile\"}")))
        .isEqualTo(new DeployRequest.ReconcileAll());
  }

  @Test
  void malformedRequestsNameWhatIsWrong() throws Exception {
    assertThatThrownBy(() -> DeployRequest.parse(json("[1, 2]")))
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> DeployRequest.parse(json("{\"deploy\": \"a\"}")))
        .hasMessageContaining("no apiVersion (a spec) and no \"deployment\" field");
    assertThatThrownBy(
            () -> DeployRequest.parse(json("{\"deployment\": \"a\", \"action\": \"destroy\"}")))
        .hasMessageContaining("\"action\" is \"destroy\"; allowed: delete, reconcile");
    assertThatThrownBy(() -> DeployRequest.parse(json("{\"deployment\": 7}")))
        .hasMessageContaining("\"deployment\" must be a string");
    assertThatThrownBy(() -> DeployRequest.parse(json("{\"deployment\": \"a\", \"force\": true}")))
        .hasMessageContaining("unknown fields [force]");
  }
}

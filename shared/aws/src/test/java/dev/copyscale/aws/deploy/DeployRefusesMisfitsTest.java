package dev.copyscale.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.aws.testing.NoCallClients;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A spec that cannot run is refused by the deploy function itself, before anything is created or
 * billed: every AWS client here refuses every call, so a refusal made after any call would fail
 * with that call instead.
 */
class DeployRefusesMisfitsTest {
  final NoCallClients aws = new NoCallClients();

  @Test
  void aCopyThatFitsNoInstanceIsRefusedNamingTheFieldAndNothingIsCreated() throws Exception {
    var event = Json.mapper().readTree(RepoFiles.read("events/deploy-copy-fits-no-instance.json"));
    assertThatThrownBy(() -> aws.services.deploy().handle(event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the spec cannot run as written, so nothing was created (preflight,")
        .hasMessageContaining(
            "component.resources: one copy does not fit on ml.g5.12xlarge: a copy asks 8"
                + " accelerators");
    assertThat(aws.calls).as("AWS calls").isEmpty();
    assertThat(aws.store.deployments()).as("deployments stored").isEmpty();
    assertThat(aws.store.ledger("llama3-chat", Instant.EPOCH)).isEmpty();
  }

  @Test
  void whatTheCatalogDoesNotKnowIsNotRefused() throws Exception {
    var event =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Json.mapper().readTree(RepoFiles.read("events/deploy-llama3-8b-orchestrated.json"));
    var spec =
        event.has("spec")
            ? (com.fasterxml.jackson.databind.node.ObjectNode) event.get("spec")
            : event;
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("component"))
        .put("modelId", "example-org/model-copyscale-does-not-know");
    // Past preflight, the deploy reaches AWS: the first call (the token's secret) is refused here.
    assertThatThrownBy(() -> aws.services.deploy().handle(event))
        .hasMessageContaining("was called");
    assertThat(aws.calls).isNotEmpty();
  }
}

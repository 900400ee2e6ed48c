package dev.copyscale.twin.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.deploy.Phase;
import dev.copyscale.json.Json;
import dev.copyscale.spec.InvalidSpecException;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy service against the twin: from nothing to InService, redeploys, delete. */
class DeployOnTwinTest {
  /**
   * Wednesday 25 November 2026, 10:00 in Berlin: the example's business-hours window is in force.
   */
  static final Instant START = Instant.parse("2026-11-25T09:00:00Z");

  static JsonNode event(String file) throws Exception {
    return Json.mapper().readTree(RepoFiles.path("events/" + file).toFile());
  }

  /** The stack's reconcile schedule, as the twin runs it: the deploy function every minute. */
  static Stack reconciling(DeployService deploy) {
    return Stack.ticking(now -> deploy.reconcileInProgress());
  }

  @Test
  void fromNothingToInServiceWithFourCopies() throws Exception {
    TwinWorld world = TwinWorld.fresh(START);
    DeployService deploy = world.services().deploy();

    DeployResult first = deploy.handle(event("deploy-llama3-8b.json")).get(0);
    assertThat(first.phase()).isEqualTo(Phase.Creating);
    assertThat(first.actions())
        .hasSize(3)
        .anySatisfy(a -> assertThat(a).startsWith("CreateEndpoint llama3-chat"));
    assertThat(first.waitingFor()).contains("endpoint llama3-chat is Creating");
    assertThat(first.observed().endpointStatus()).contains("Creating");

    world.advance(Duration.ofMinutes(20), reconciling(deploy));
    JsonNode shown = world.show();
    assertThat(shown.get("endpoints").get(0).get("EndpointStatus").asText()).isEqualTo("InService");
    JsonNode component = shown.get("inferenceComponents").get(0);
    assertThat(component.get("InferenceComponentStatus").asText()).isEqualTo("InService");
    assertThat(component.get("RuntimeConfig").get("CurrentCopyCount").asInt()).isEqualTo(4);
    assertThat(shown.get("scalableTargets").get(0).get("ResourceId").asText())
        .isEqualTo("inference-component/llama3-chat-ic");
    assertThat(shown.get("scalableTargets").get(0).get("MinCapacity").asInt()).isEqualTo(4);
    assertThat(shown.get("scalingPolicies")).hasSize(2);
    assertThat(shown.get("schedules")).hasSize(2);
    assertThat(shown.get("schedules").get(0).get("ScheduleExpressionTimezone").asText())
        .isEqualTo("Europe/Berlin");
    assertThat(world.stateTable().deployment("llama3-chat").orElseThrow().phase())
        .isEqualTo(Phase.InService);
  }

  @Test
  void anUnchangedRedeployMakesNoWrites() throws Exception {
    TwinWorld world = TwinWorld.fresh(START);
    DeployService deploy = world.services().deploy();
    deploy.handle(event("deploy-llama3-8b.json"));
    world.advance(Duration.ofMinutes(20), reconciling(deploy));
    Instant changed = world.stateTable().deployment("llama3-chat").orElseThrow().updatedAt();
    world.advance(Duration.ofMinutes(5), reconciling(deploy));
    DeployResult again = deploy.handle(event("deploy-eventbridge.json")).get(0);
    assertThat(again.actions()).isEmpty();
    assertThat(again.phase()).isEqualTo(Phase.InService);
    // Nothing changed, so neither does the time of the last change (engine slo's post-deploy hold
    // does not restart).
    assertThat(world.stateTable().deployment("llama3-chat").orElseThrow().updatedAt())
        .isEqualTo(changed);
  }

  @Test
  void invalidSpecsChangeNothing() throws Exception {
    TwinWorld world = TwinWorld.fresh(START);
    DeployService deploy = world.services().deploy();
    assertThatThrownBy(() -> deploy.handle(event("deploy-invalid-spec.json")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("component.copies")
        .hasMessageContaining("endpoint.instanceType")
        .hasMessageContaining("component.env.HF_TOKEN");
    assertThatThrownBy(() -> deploy.handle(event("deploy-unknown-deployment.json")))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(world.stateTable().deployments()).isEmpty();
  }

  @Test
  void deleteLeavesNothingBehind() throws Exception {
    TwinWorld world = TwinWorld.fresh(START);
    DeployService deploy = world.services().deploy();
    deploy.handle(event("deploy-llama3-8b.json"));
    world.advance(Duration.ofMinutes(20), reconciling(deploy));
    DeployResult deleting = deploy.handle(event("deploy-delete.json")).get(0);
    assertThat(deleting.phase()).isEqualTo(Phase.Deleting);
    world.advance(Duration.ofMinutes(10), reconciling(deploy));
    assertThat(world.stateTable().deployment("llama3-chat").orElseThrow().phase())
        .isEqualTo(Phase.Deleted);
    JsonNode shown = world.show();
    for (String kind :
        new String[] {
          "endpoints",
          "inferenceComponents",
          "scalableTargets",
          "scalingPolicies",
          "alarms",
          "schedules"
        }) {
      assertThat(shown.get(kind)).as(kind).isEmpty();
    }
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(world.sageMaker().state().endpointConfigs()).isEmpty();
  }

  @Test
  void theWorldPersistsMidTransitionAndContinuesIdentically(@TempDir Path dir) throws Exception {
    TwinWorld world = TwinWorld.fresh(START);
    DeployService deploy = world.services().deploy();
    deploy.handle(event("deploy-llama3-8b.json"));
    world.advance(Duration.ofMinutes(9), reconciling(deploy));
    Path file = dir.resolve("world.json");
    world.save(file);

    TwinWorld loaded = WorldFile.read(file);
    DeployService deployLoaded = loaded.services().deploy();
    world.advance(Duration.ofMinutes(11), reconciling(deploy));
    loaded.advance(Duration.ofMinutes(11), reconciling(deployLoaded));
    assertThat(loaded.show()).isEqualTo(world.show());
  }
}

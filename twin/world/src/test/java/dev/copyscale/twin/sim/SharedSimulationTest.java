package dev.copyscale.twin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.cost.Share;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Several components on one endpoint in one world, each with its trace, and their cost split. */
class SharedSimulationTest {
  static final String EXAMPLE = "examples/simulate/shared/two-models-native.yaml";

  record Deployed(TwinWorld world, DeploymentSpec spec) {
    SharedSimulation simulation() {
      Map<String, Serving> serving = new TreeMap<>();
      spec.components().forEach(m -> serving.put(m.name(), Serving.forSpec(spec.member(m))));
      return new SharedSimulation(
          world, Stack.NONE, spec, EXAMPLE, serving, Simulation.Options.defaults());
    }
  }

  static Deployed deploy(String file) throws IOException {
    ObjectNode tree = (ObjectNode) SpecParser.toTree(Files.readString(RepoFiles.path(file)));
    DeploymentSpec spec = SpecParser.parse(tree).orThrow();
    TwinWorld world = TwinWorld.fresh(SimulationTest.START);
    new TwinStack(world, world.stateTable()).deploy(tree);
    world.advance(Duration.ofMinutes(20), Stack.NONE);
    return new Deployed(world, spec);
  }

  @Test
  void twoComponentsServeTheirOwnTracesOnSharedInstancesAndTheirCostsAddUpEveryMinute()
      throws IOException {
    Deployed d = deploy(EXAMPLE);
    // chat busy enough for more copies than it starts with, code light.
    Trace chat = SimulationTest.constant(6, Duration.ofMinutes(20));
    Trace code = SimulationTest.constant(0.5, Duration.ofMinutes(20));
    Set<String> sharedInstances = new HashSet<>();
    SharedSimulation.SharedResult r =
        d.simulation().run(Map.of("chat", chat, "code", code), n -> {});

    SageMakerState state = d.world().sageMaker().state();
    Map<String, Set<String>> on = new TreeMap<>();
    for (String c : List.of("chat", "code")) {
      state
          .components()
          .get(c)
          .copies()
          .forEach(x -> on.computeIfAbsent(c, k -> new HashSet<>()).add(x.instanceId()));
    }
    sharedInstances.addAll(on.get("chat"));
    sharedInstances.retainAll(on.get("code"));
    assertThat(sharedInstances).as("an instance holds copies of both").isNotEmpty();

    assertThat(r.components()).hasSize(2);
    Summary chatSummary = r.components().get(0).summary();
    Summary codeSummary = r.components().get(1).summary();
    assertThat(chatSummary.spec()).isEqualTo("two-models/chat");
    assertThat(codeSummary.spec()).isEqualTo("two-models/code");
    assertThat(chatSummary.requests()).isEqualTo(chat.size());
    assertThat(codeSummary.requests()).isEqualTo(code.size());
    assertThat(chatSummary.failuresByType()).doesNotContainKey(ServingEngine.NO_CAPACITY);
    assertThat(codeSummary.failuresByType()).doesNotContainKey(ServingEngine.NO_CAPACITY);
    // The busy one scaled out and holds more of the GPUs, so it pays more.
    assertThat(chatSummary.scalingActions()).isPositive();
    assertThat(chatSummary.costUsd()).isGreaterThan(codeSummary.costUsd());

    assertThat(r.minutes()).isNotEmpty();
    for (SharedSimulation.MinuteCost m : r.minutes()) {
      BigDecimal parts = m.split().idle().usd();
      BigDecimal hours = m.split().idle().acceleratorHours();
      for (Share s : m.split().components().values()) {
        parts = parts.add(s.usd());
        hours = hours.add(s.acceleratorHours());
      }
      assertThat(parts)
          .as("dollars in %s", m.minute())
          .isEqualByComparingTo(m.split().endpoint().usd());
      assertThat(hours)
          .as("accelerator-hours in %s", m.minute())
          .isEqualByComparingTo(m.split().endpoint().acceleratorHours());
      assertThat(m.split().endpoint().usd().signum()).isPositive();
    }
    // The minutes sum to the run; the endpoint's dollars are its instance-hours at the price.
    double endpointUsd = r.total().endpoint().usd().doubleValue();
    assertThat(chatSummary.costUsd() + codeSummary.costUsd() + r.total().idle().usd().doubleValue())
        .isCloseTo(endpointUsd, within(1e-9));
    assertThat(endpointUsd).isCloseTo(r.instanceHours() * 7.09, within(1e-6));
  }

  @Test
  void oneComponentOnItsEndpointRunsAsTheSimulationAlone() throws IOException {
    Trace trace = SimulationTest.constant(4, Duration.ofMinutes(15));
    String single = "examples/simulate/native-target-tracking.yaml";
    Deployed alone = deploy(single);
    SimulationResult byItself =
        new Simulation(
                alone.world(),
                Stack.NONE,
                alone.spec(),
                EXAMPLE,
                Serving.forSpec(alone.spec()),
                Simulation.Options.defaults())
            .run(trace, n -> {});
    Deployed grouped = deploy(single);
    SharedSimulation.SharedResult r =
        grouped.simulation().run(Map.of(grouped.spec().component().name(), trace), n -> {});
    SimulationResult inGroup = r.components().get(0);
    assertThat(inGroup.timeline()).isEqualTo(byItself.timeline());
    assertThat(inGroup.summary().withShare("x", 0, 0))
        .isEqualTo(byItself.summary().withShare("x", 0, 0));
    // Alone on its endpoint, its share and the idle remainder are the whole endpoint's cost.
    assertThat(r.total().endpoint().usd().doubleValue())
        .isCloseTo(byItself.summary().costUsd(), within(1e-6));
    assertThat(inGroup.summary().costUsd() + r.total().idle().usd().doubleValue())
        .isCloseTo(byItself.summary().costUsd(), within(1e-6));
  }

  @Test
  void aTraceMissingOrForNoComponentIsRefusedNamingIt() throws IOException {
    Deployed d = deploy(EXAMPLE);
    Trace t = SimulationTest.constant(1, Duration.ofMinutes(1));
    assertThatThrownBy(() -> d.simulation().run(Map.of("chat", t), n -> {}))
        .hasMessageContaining("no trace for component code");
    assertThatThrownBy(() -> d.simulation().run(Map.of("chat", t, "code", t, "coder", t), n -> {}))
        .hasMessageContaining("coder")
        .hasMessageContaining("no component of two-models");
  }
}

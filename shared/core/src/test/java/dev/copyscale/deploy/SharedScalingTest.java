package dev.copyscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.spec.SpecParser;
import org.junit.jupiter.api.Test;

/** What deploy refuses for now on a shared endpoint: schedules, not yet per component. */
class SharedScalingTest {
  static ObjectNode doc() {
    return SharedEndpointPlannerTest.doc();
  }

  @Test
  void engineNativeOnEveryComponentIsAccepted() {
    assertThat(SharedScaling.notYetRunnable(SpecParser.parse(doc()).orThrow())).isEmpty();
  }

  @Test
  void engineSloOnAComponentIsAccepted() throws Exception {
    ObjectNode doc = doc();
    ObjectNode scaling = (ObjectNode) doc.at("/components/1/scaling");
    scaling.remove("targetTracking");
    scaling.put("engine", "slo");
    scaling.set("slo", SharedEndpointPlannerTest.YAML.readTree("{ttft: 2s, attainment: 99%}"));
    assertThat(SharedScaling.notYetRunnable(SpecParser.parse(doc).orThrow())).isEmpty();
  }

  @Test
  void engineOrchestratedIsAcceptedAndSchedulesAreRefused() throws Exception {
    ObjectNode doc = doc();
    ObjectNode scaling = (ObjectNode) doc.at("/components/0/scaling");
    scaling.remove("targetTracking");
    scaling.put("engine", "orchestrated");
    scaling.set(
        "schedules",
        SharedEndpointPlannerTest.YAML.readTree(
            "[{name: nights, cron: '0 20 ? * * *', minCopies: 1, maxCopies: 2}]"));
    assertThat(SharedScaling.notYetRunnable(SpecParser.parse(doc).orThrow()))
        .singleElement()
        .satisfies(r -> assertThat(r).startsWith("components[0].scaling.schedules: "));
  }

  @Test
  void aListOfOneRunsEveryEngineAsTheSingleFormDoes() throws Exception {
    ObjectNode doc = doc();
    ((ArrayNode) doc.get("components")).remove(1);
    ObjectNode scaling = (ObjectNode) doc.at("/components/0/scaling");
    scaling.remove("targetTracking");
    scaling.put("engine", "slo");
    scaling.set("slo", SharedEndpointPlannerTest.YAML.readTree("{ttft: 2s, attainment: 99%}"));
    assertThat(SharedScaling.notYetRunnable(SpecParser.parse(doc).orThrow())).isEmpty();
  }
}

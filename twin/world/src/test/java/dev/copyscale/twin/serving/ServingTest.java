package dev.copyscale.twin.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Which serving a spec's copies get in the twin: the serving model derived from the model's and
 * GPUs' figures, unless the spec gives a measured table, which then wins and says so; a model
 * nothing describes is refused, naming the fields that would describe it.
 */
class ServingTest {
  static DeploymentSpec spec(String example, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode tree =
        (ObjectNode)
            SpecParser.toTree(Files.readString(RepoFiles.path("examples/simulate/" + example)));
    edit.accept(tree);
    return SpecParser.parse(tree).orThrow();
  }

  static String bundledCsv() throws IOException {
    try (InputStream in =
        ServingProfile.class.getResourceAsStream("llama3-8b-instruct-tgi-a10g.csv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void withoutATableTheDerivedModelServesEachRequestsOwnShape() throws IOException {
    Serving serving = Serving.forSpec(spec("scheduled.yaml", tree -> {}));
    assertThat(serving).isInstanceOf(Serving.Derived.class);
    assertThat(serving.promptAware()).isTrue();
    assertThat(serving.description())
        .isEqualTo("meta-llama/Meta-Llama-3-8B-Instruct on 1 x NVIDIA A10G 24 GB");
    assertThat(serving.provenance())
        .isEqualTo(
            "derived from: model figures (catalog models.csv), GPU figures (NVIDIA A10 datasheet;"
                + " AWS G5 page), calibration (bundled table llama3-8b-instruct-tgi-a10g.csv)");
  }

  @Test
  void aTableTheSpecGivesWinsAndSaysSo() throws IOException {
    String csv = bundledCsv();
    Serving serving =
        Serving.forSpec(
            spec(
                "slo.yaml",
                tree -> ((ObjectNode) tree.get("scaling").get("slo")).put("servingProfile", csv)));
    assertThat(serving).isInstanceOf(Serving.Table.class);
    assertThat(serving.promptAware()).isFalse();
    assertThat(serving.provenance()).isEqualTo("measured table scaling.slo.servingProfile");
    ServingProfile table = ((Serving.Table) serving).profile();
    assertThat(table.ttftMs(1)).isEqualTo(138.9);
    assertThat(table.requestsPerMinute(8)).isCloseTo(64.2, within(1e-9));
  }

  @Test
  void aModelNothingDescribesIsRefusedNamingWhatWouldDescribeIt() {
    assertThatThrownBy(
            () ->
                Serving.forSpec(
                    spec(
                        "scheduled.yaml",
                        tree ->
                            ((ObjectNode) tree.get("component"))
                                .put("modelId", "my-org/private-model"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("component.modelId: my-org/private-model is not in copyscale's")
        .hasMessageContaining("component.model.config")
        .hasMessageContaining("--model-config FILE");
  }
}

package dev.copyscale.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import org.junit.jupiter.api.Test;

/** Preflight of a spec with several components: each checked alone, the endpoint sized for all. */
class SharedEndpointPreflightTest {
  private static final Preflight PREFLIGHT =
      new Preflight(Catalog.bundled(), Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB);

  static ObjectNode doc() throws Exception {
    return (ObjectNode) new YAMLMapper().readTree(RepoFiles.read("examples/shared-endpoint.yaml"));
  }

  /**
   * Chat's 2 and code's 1 one-GPU copies share one 4-GPU ml.g5.12xlarge; at their maxima (8 and 4)
   * all twelve need 3, which is what the budget of $21.27/h buys.
   */
  @Test
  void theEndpointIsSizedForEveryComponentsCopies() throws Exception {
    PreflightReport report = PREFLIGHT.run(SpecParser.parse(doc()).orThrow());
    assertThat(report.fits()).isTrue();
    assertThat(report.problems()).isEmpty();
    PreflightReport.Cost cost = report.cost().orElseThrow();
    assertThat(cost.instancesAtCopies()).isEqualTo(1);
    assertThat(cost.instancesAtMax()).isEqualTo(3);
    assertThat(cost.usdPerHourAtMax())
        .isEqualTo(3 * 7.09, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(report.instance().orElseThrow().plan().instancesForMaxCopies()).isEqualTo(3);
  }

  /** A model too large for its copy's GPU is a misfit named by its component's entry. */
  @Test
  void aComponentThatDoesNotFitIsNamedByItsEntry() throws Exception {
    ObjectNode doc = doc();
    ((ObjectNode) doc.at("/components/1")).put("modelId", "meta-llama/Meta-Llama-3-70B-Instruct");
    ((ObjectNode) doc.at("/components/1")).put("modelDataS3Uri", "s3://my-models/llama3-70b/");
    PreflightReport report = PREFLIGHT.run(SpecParser.parse(doc).orThrow());
    assertThat(report.fits()).isFalse();
    assertThat(report.misfits())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p).startsWith("components[1] (code): "));
  }
}

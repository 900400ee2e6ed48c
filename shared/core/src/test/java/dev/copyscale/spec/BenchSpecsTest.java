package dev.copyscale.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The specs bench/slo.sh and docs/benchmarks.md run are valid specs: a benchmark is not the place
 * to find out.
 */
class BenchSpecsTest {
  @Test
  void everySpecInBenchSloIsValid() throws IOException {
    List<Path> specs;
    try (Stream<Path> files = Files.list(RepoFiles.path("bench/slo"))) {
      specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(specs)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "tutorial-target-tracking.yaml",
            "step-two-instances.yaml",
            "oracle-step.yaml",
            "oracle-onoff.yaml");
    for (Path spec : specs) {
      SpecResult parsed = SpecParser.parse(Files.readString(spec));
      assertThat(parsed.problems()).as(spec.toString()).isEmpty();
    }
  }
}

package dev.copyscale.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {
  @Test
  void theSamplesAreTheEventsFilesTheyNameSoPrimingRunsWhatTheFunctionsAreSent() throws Exception {
    assertThat(SnapStartPriming.sample("spec")).isEqualTo(event("deploy-llama3-8b.json"));
    assertThat(SnapStartPriming.sample("alarm")).isEqualTo(event("alarm-ok.json"));
    assertThat(SnapStartPriming.sample("schedule")).isEqualTo(event("schedule-nights.json"));
    assertThat(SnapStartPriming.sampleSpec().name()).isEqualTo("llama3-chat");
  }

  @Test
  void aFailingPrimingIsLoggedNotThrownSoTheSnapshotIsStillTaken() {
    AtomicInteger runs = new AtomicInteger();
    SnapStartPriming priming =
        SnapStartPriming.register(
            "test",
            () -> {
              runs.incrementAndGet();
              throw new IllegalStateException("no");
            });

    priming.prime();

    assertThat(runs).hasValue(1);
  }

  private static JsonNode event(String name) throws Exception {
    return Json.mapper().readTree(RepoFiles.path("events/" + name).toFile());
  }
}

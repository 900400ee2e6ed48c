package dev.copyscale.twin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.serving.Serving;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * In the twin, each request is served with its own prompt: time to first token grows with the
 * prompt as a compute-bound prefill does (published measurements of TGI put the time to first token
 * about in proportion to the prompt's tokens, the attention's square term adding a few percent at a
 * few thousand tokens; docs/simulation.md, "The serving model"), and a copy completes fewer
 * requests a minute.
 */
class PromptLengthTest {
  /** Closed loop on one copy: {@code clients} requests in flight for ten virtual minutes. */
  record Load(double meanTtftMs, long completed) {}

  static Load closedLoop(int clients, int promptTokens) throws IOException {
    SimulationTest.Deployed d =
        SimulationTest.deploy(
            "scheduled.yaml",
            tree -> {
              ((ObjectNode) tree.get("component")).put("copies", 1);
              ((ObjectNode) tree.get("scaling")).remove("schedules");
            });
    long[] sum = new long[2];
    ServingEngine[] engine = new ServingEngine[1];
    engine[0] =
        new ServingEngine(
            d.world(),
            Stack.NONE,
            d.spec().component().name(),
            Serving.forSpec(d.spec()),
            new ServingEngine.Options(1, Duration.ofSeconds(60)),
            new ServingEngine.Listener() {
              @Override
              public void finished(
                  int request, long at, long latencyMicros, long ttftMicros, String failure) {
                assertThat(failure).isNull();
                sum[0] += ttftMicros;
                sum[1]++;
                engine[0].submit(promptTokens, 175);
              }
            });
    for (int i = 0; i < clients; i++) {
      engine[0].submit(promptTokens, 175);
    }
    engine[0].runUntil(Duration.ofMinutes(10).toNanos() / 1000);
    Load load = new Load(sum[0] / 1000.0 / sum[1], sum[1]);
    System.out.printf(
        java.util.Locale.ROOT,
        "prompt length: %d in flight, %d-token prompts: mean TTFT %.0f ms, %d completed in 10"
            + " min%n",
        clients,
        promptTokens,
        load.meanTtftMs(),
        load.completed());
    return load;
  }

  @Test
  void aLongPromptTakesLongerToTheFirstTokenAboutInProportionToItsTokens() throws IOException {
    Load short1 = closedLoop(1, 300);
    Load long1 = closedLoop(1, 3400);
    // 11.3 x the tokens: the matrix products 11.3 x, attention's square term a few percent more,
    // the fixed overhead a step less.
    assertThat(long1.meanTtftMs() / short1.meanTtftMs()).isBetween(9.0, 14.0);
    assertThat(long1.meanTtftMs()).as("51 TFLOP at 60 TFLOPS").isBetween(800.0, 1000.0);
  }

  @Test
  void atAFixedConcurrencyLongPromptsWaitLongerAndACopyCompletesFewer() throws IOException {
    Load short8 = closedLoop(8, 300);
    Load long8 = closedLoop(8, 3400);
    assertThat(long8.meanTtftMs()).isGreaterThan(4 * short8.meanTtftMs());
    assertThat((double) long8.completed()).isLessThan(0.8 * short8.completed());
  }
}

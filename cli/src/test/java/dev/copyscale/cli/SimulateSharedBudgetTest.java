package dev.copyscale.cli;

import static dev.copyscale.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget case end to end: two models under engine slo on one endpoint whose budget is
 * below what both need at their peaks (examples/simulate/shared/two-models-budget.yaml), run
 * through simulate. The budget holds in every simulated minute, the higher-priority model keeps its
 * objective, and the other's decisions say the budget held it back, in the table, --json and the
 * report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulateSharedBudgetTest {
  static final String SPEC = "examples/simulate/shared/two-models-budget.yaml";
  // chat follows a daily pattern (here a 4-hour one, to keep the run short): 0.75 to 2.25
  // requests/s; code bursts to 4 requests/s for 20 minutes every hour. Together they need more
  // than the one ml.g5.12xlarge the budget buys.
  static final String CHAT =
      "chat=synthetic:diurnal:mean=1.5,amplitude=0.5,period=4h,noise=0.1,duration=2h";
  static final String CODE =
      "code=synthetic:bursts:base=0.3,burst=4,every=1h,length=20m,duration=2h";

  CliTest.Run text;
  JsonNode json;
  Path report;

  static String[] simulate(String... rest) {
    return SimulateSharedTest.simulateWith(SPEC, CHAT, CODE, rest);
  }

  @BeforeAll
  void simulateTheExample(@TempDir Path dir) throws Exception {
    report = dir.resolve("report");
    text = run(simulate());
    assertThat(text.exitCode()).as(text.err()).isZero();
    CliTest.Run j = run(simulate("--json", "--report", report.toString()));
    assertThat(j.exitCode()).as(j.err()).isZero();
    json = Json.mapper().readTree(j.out());
  }

  @Test
  void theBudgetHoldsInEverySimulatedMinute() throws Exception {
    JsonNode budget = json.get("endpoints").get(0).get("budget");
    assertThat(budget.get("usdPerHour").asDouble()).isEqualTo(10.0);
    assertThat(budget.get("held").asBoolean()).isTrue();
    assertThat(budget.get("exceededMinutes")).isEmpty();
    assertThat(budget.get("minutes").asInt()).isGreaterThanOrEqualTo(120);
    assertThat(budget.get("highestUsdPerHour").asDouble()).isPositive().isLessThanOrEqualTo(10.0);
    // Checked again from cost.csv's exact minutes, not from what simulate concluded.
    Map<String, BigDecimal> endpoint = new TreeMap<>();
    for (String row : Files.readAllLines(report.resolve("cost.csv"))) {
      String[] f = row.split(",");
      if (f[2].equals("(endpoint)")) {
        endpoint.put(f[1], new BigDecimal(f[3]));
      }
    }
    assertThat(endpoint).hasSize(budget.get("minutes").asInt());
    endpoint.forEach(
        (minute, usd) ->
            assertThat(usd.multiply(BigDecimal.valueOf(60)))
                .as(minute)
                .isLessThanOrEqualTo(new BigDecimal("10.000001")));
    assertThat(text.out()).contains("budget $10.00/h held in every minute (");
    assertThat(Files.readString(report.resolve("index.html")))
        .contains("budget $10.00/h held in every minute");
  }

  @Test
  void theHigherPriorityModelKeepsItsObjective() {
    JsonNode chat = json.get("results").get(0);
    assertThat(chat.get("spec").asText()).isEqualTo("two-models-budget/chat");
    assertThat(chat.get("objective").get("met").asBoolean())
        .as("chat attained %s", chat.get("objective").get("attained"))
        .isTrue();
    assertThat(
            json.get("endpoints")
                .get(0)
                .get("shared")
                .get("components")
                .get("chat")
                .get("objectiveMet")
                .asBoolean())
        .isTrue();
    assertThat(text.out()).contains("chat (priority 10): objective met, ");
  }

  @Test
  void theOthersDecisionsSayTheBudgetHeldItBack() throws Exception {
    JsonNode code = json.get("results").get(1);
    assertThat(code.get("spec").asText()).isEqualTo("two-models-budget/code");
    List<JsonNode> held = new ArrayList<>();
    code.get("decisions")
        .forEach(
            d -> {
              List<String> by = new ArrayList<>();
              d.get("heldBackBy").forEach(b -> by.add(b.asText()));
              if (by.contains("endpoint.budget")) {
                held.add(d);
              }
            });
    // One a burst at least: its engine wishes more as each burst starts (woken by its alarm, or
    // at the tick that begins the hold).
    assertThat(held).hasSizeGreaterThanOrEqualTo(2);
    // Its own decisions say the budget held it back; one chat's decision lowered says that chat
    // holds the capacity the budget allows.
    assertThat(held)
        .allSatisfy(
            d ->
                assertThat(d.get("reason").asText())
                    .containsPattern("arbiter(, deciding for chat)?: code: ")
                    .contains("held back by")
                    .contains("the budget $10.00/h"));
    assertThat(held)
        .anySatisfy(
            d ->
                assertThat(d.get("reason").asText())
                    .contains("arbiter: code: ")
                    .contains("held back by the budget $10.00/h"));
    assertThat(
            json.get("endpoints")
                .get(0)
                .get("budget")
                .get("heldBackDecisions")
                .get("code")
                .asLong())
        .isEqualTo(held.size());
    assertThat(text.out())
        .contains("code (priority 1): objective ")
        .contains("held back by the budget in " + held.size() + " decisions");
    // The report lists them under code's charts, and decisions.csv has them.
    assertThat(Files.readString(report.resolve("index.html"))).contains("arbiter: code: 2 -&gt; 2");
    assertThat(Files.readString(report.resolve("decisions.csv")))
        .contains("two-models-budget/code,")
        .contains("held back by");
  }
}

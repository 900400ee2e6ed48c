package dev.copyscale.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.copyscale.aws.testing.LambdaInvocations;
import dev.copyscale.scaling.state.ScalingResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The functions' log lines, as Lambda reads them from stdout: one JSON object per line. */
class JsonLoggingTest {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLoggingTest.class);
  private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:f";

  @Test
  void aLineLoggedInAnInvocationIsOneJsonObjectWithItsLevelMessageRequestAndDeployment()
      throws Exception {
    ScalingResult result =
        ScalingResult.ignored(Optional.of("llama3-8b"), "tick", "a \"quoted\"\nreason", 1);
    List<JsonNode> lines =
        stdoutLines(
            () ->
                LambdaStreams.handle(
                    input("{\"action\": \"reconcile\"}"),
                    new ByteArrayOutputStream(),
                    LambdaInvocations.invokedAs(ARN),
                    "event",
                    event -> LambdaStreams.logged(LOG, result)));

    assertThat(lines).hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("formattedMessage").asText()).isEqualTo(result.summary());
    assertThat(line.path("loggerName").asText()).isEqualTo(JsonLoggingTest.class.getName());
    assertThat(line.path("timestamp").isIntegralNumber()).as("timestamp: %s", line).isTrue();
    assertThat(line.path("mdc").path("function_request_id").asText()).isEqualTo("r-1");
    assertThat(line.path("mdc").path("function_name").asText()).isEqualTo("f");
    assertThat(line.path("mdc").path("cold_start").asText()).isIn("true", "false");
    assertThat(line.path("mdc").path("deployment").asText()).isEqualTo("llama3-8b");
    // The invocation's keys do not outlive it.
    assertThat(MDC.getCopyOfContextMap())
        .satisfiesAnyOf(m -> assertThat(m).isNull(), m -> assertThat(m).isEmpty());
  }

  @Test
  void aRefusedEventIsOneErrorLineWithTheRequest() throws Exception {
    List<JsonNode> lines =
        stdoutLines(
            () ->
                assertThatThrownBy(
                        () ->
                            LambdaStreams.handle(
                                input("{\"x\": 1}"),
                                new ByteArrayOutputStream(),
                                LambdaInvocations.invokedAs(ARN),
                                "alarm event",
                                event -> {
                                  throw new IllegalArgumentException("no \"alarmName\"");
                                }))
                    .isInstanceOf(IllegalArgumentException.class));

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).path("level").asText()).isEqualTo("ERROR");
    assertThat(lines.get(0).path("formattedMessage").asText())
        .isEqualTo("alarm event refused: no \"alarmName\"");
    assertThat(lines.get(0).path("mdc").path("function_request_id").asText()).isEqualTo("r-1");
  }

  @Test
  void theLevelIsTheSystemPropertyElseLambdasElseTheTemplatesElseInfo() {
    Map<String, String> both =
        Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN", "COPYSCALE_LOG_LEVEL", "DEBUG");
    assertThat(JsonLogging.level("error", both)).isEqualTo(Level.ERROR);
    assertThat(JsonLogging.level(null, both)).isEqualTo(Level.WARN);
    assertThat(JsonLogging.level(null, Map.of("COPYSCALE_LOG_LEVEL", "debug")))
        .isEqualTo(Level.DEBUG);
    assertThat(JsonLogging.level(null, Map.of())).isEqualTo(Level.INFO);
    assertThat(JsonLogging.level(" ", Map.of("AWS_LAMBDA_LOG_LEVEL", ""))).isEqualTo(Level.INFO);
    // Lambda's advanced logging controls also know FATAL, which Logback has not.
    assertThat(JsonLogging.level(null, Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL")))
        .isEqualTo(Level.ERROR);
    assertThat(JsonLogging.level(null, Map.of("AWS_LAMBDA_LOG_LEVEL", "TRACE")))
        .isEqualTo(Level.TRACE);
  }

  private static ByteArrayInputStream input(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The non-blank lines {@code run} writes to stdout, each parsed as JSON (a line that is not one
   * JSON object fails).
   */
  private static List<JsonNode> stdoutLines(Runnable run) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      run.run();
    } finally {
      System.setOut(original);
    }
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String text : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!text.isBlank()) {
        JsonNode line = mapper.readTree(text);
        assertThat(line.isObject()).as("one JSON object per line: %s", text).isTrue();
        lines.add(line);
      }
    }
    return lines;
  }
}

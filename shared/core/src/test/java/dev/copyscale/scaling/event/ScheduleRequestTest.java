package dev.copyscale.scaling.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleRequestTest {
  private static JsonNode json(String text) throws Exception {
    return Json.mapper().readTree(text);
  }

  @Test
  void explicitBoundsAreRead() throws Exception {
    ScheduleRequest r =
        ScheduleRequest.parse(
            json(
                "{\"deployment\": \"a\", \"minCopies\": 4, \"maxCopies\": 8, \"reason\": \"test\","
                    + " \"for\": \"1h\"}"));
    assertThat(r.min()).contains(4);
    assertThat(r.max()).contains(8);
    assertThat(r.boundNoun()).contains("Copies");
    // A float that is a whole number is that number.
    assertThat(
            ScheduleRequest.parse(
                    json(
                        "{\"deployment\": \"a\", \"minInstances\": 1.0, \"maxInstances\": 2,"
                            + " \"reason\": \"test\", \"for\": \"1h\"}"))
                .min())
        .isEqualTo(Optional.of(1));
  }

  /**
   * 4294967296 used to read as 0 (asInt wraps), 18446744073709551618 as 2; 2.5 and "3" must not
   * count either.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "4294967296",
        "18446744073709551618",
        "-1",
        "1001",
        "2.5",
        "\"3\"",
        "true",
        "null",
        "1e400"
      })
  void boundsThatAreNotWholeNumbersInRangeAreRefusedNamingTheField(String bound) throws Exception {
    assertThatThrownBy(
            () ->
                ScheduleRequest.parse(
                    json(
                        "{\"deployment\": \"a\", \"minCopies\": 0, \"maxCopies\": " + bound + "}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"maxCopies\" must be a whole number 0..1000, got ");
  }

  @Test
  void aBoundInsideAnEventBridgeEventIsNamedWithItsPath() throws Exception {
    assertThatThrownBy(
            () ->
                ScheduleRequest.parse(
                    json(
                        "{\"id\": \"e1\", \"detail-type\": \"Scheduled Event\", \"detail\":"
                            + " {\"deployment\": \"a\", \"minCopies\": 4294967296, \"maxCopies\":"
                            + " 8}}")))
        .hasMessage(
            "schedule event: \"detail.minCopies\" must be a whole number 0..1000, got 4294967296");
  }

  @Test
  void aScheduledEventFromTheFutureIsRefusedNamingTime() throws Exception {
    String event =
        "{\"id\": \"e1\", \"detail-type\": \"Scheduled Event\", \"time\": \"2099-01-01T07:00:00Z\","
            + " \"detail\": {\"deployment\": \"a\", \"minCopies\": 4, \"maxCopies\": 8, \"reason\":"
            + " \"test\", \"for\": \"1h\"}}";
    ScheduleRequest request = ScheduleRequest.parse(json(event));
    assertThat(
            request.checkSkew(java.time.Instant.parse("2026-11-25T07:00:00Z"), EventSkew.MAX_SKEW))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("time 2099-01-01T07:00:00Z is ")
                    .contains("5 minutes of clock skew allowed"));
    assertThat(
            request.checkSkew(java.time.Instant.parse("2099-01-01T07:00:05Z"), EventSkew.MAX_SKEW))
        .isEmpty();
    // Scheduler's input has no time of its own: nothing to check.
    assertThat(
            ScheduleRequest.parse(json("{\"deployment\": \"a\", \"schedule\": \"nights\"}"))
                .checkSkew(java.time.Instant.EPOCH, EventSkew.MAX_SKEW))
        .isEmpty();
    assertThatThrownBy(
            () -> ScheduleRequest.parse(json(event.replace("2099-01-01T07:00:00Z", "soon"))))
        .hasMessageContaining("\"time\" \"soon\" is not a timestamp");
  }
}

package dev.copyscale.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static com.fasterxml.jackson.databind.JsonNode read(String text, String what) {
    return Json.readEvent(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), what);
  }

  @Test
  void aKeyGivenTwiceInAnEventIsRefusedNamingTheKey() {
    // Jackson keeps the last value by default: this deleted b, not a.
    assertThatThrownBy(
            () ->
                read(
                    "{\"deployment\": \"a\",\n \"deployment\": \"b\", \"action\": \"delete\"}",
                    "deploy event"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "deploy event is not valid JSON: the key \"deployment\" appears twice in one object"
                + " (line 2, column 14); each key may appear once");
  }

  @Test
  void duplicatesAreFoundAtAnyDepth() {
    assertThatThrownBy(
            () ->
                read(
                    "{\"detail-type\": \"Scheduled Event\", \"detail\": {\"deployment\": \"a\","
                        + " \"minCopies\": 0, \"maxCopies\": 2, \"maxCopies\": 200}}",
                    "schedule event"))
        .hasMessageStartingWith(
            "schedule event is not valid JSON: the key \"maxCopies\" appears twice");
  }

  @Test
  void nonNumbersAndASecondValueAreRefusedInCopyscalesWords() {
    assertThatThrownBy(() -> read("{\"minCopies\": NaN}", "schedule event"))
        .hasMessage(
            "schedule event is not valid JSON: NaN is not a JSON number (numbers are finite: no NaN"
                + " or Infinity) (line 1, column 18)");
    assertThatThrownBy(() -> read("{\"minCopies\": -Infinity}", "schedule event"))
        .hasMessageContaining("-Infinity is not a JSON number");
    assertThatThrownBy(
            () -> read("{\"deployment\": \"a\"} {\"deployment\": \"b\"}", "deploy event"))
        .hasMessageStartingWith(
            "deploy event is not valid JSON: more follows the first JSON value");
    assertThatThrownBy(() -> read("{\"minCopies\": 01}", "schedule event"))
        .hasMessageStartingWith("schedule event is not valid JSON: ")
        .hasMessageNotContaining("`")
        .hasMessageNotContaining("Feature");
  }

  @Test
  void otherMalformedInputStillSaysWhereItIs() {
    assertThatThrownBy(() -> read("{\"deployment\": ", "deploy event"))
        .hasMessageStartingWith("deploy event is not valid JSON: ");
    assertThatThrownBy(() -> read("", "deploy event")).hasMessage("deploy event is empty");
    assertThat(read("{\"a\": 1, \"b\": {\"a\": 2}}", "event").get("b").get("a").asInt())
        .isEqualTo(2);
  }
}

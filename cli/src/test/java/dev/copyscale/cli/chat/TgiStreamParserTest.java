package dev.copyscale.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.cli.chat.TgiStreamParser.Token;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TgiStreamParserTest {
  static final String STREAM =
      "data:{\"index\":1,\"token\":{\"id\":18682,\"text\":\"Deep\",\"logprob\":-0.2,\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
          + "data:{\"index\":2,\"token\":{\"id\":6975,\"text\":\""
          + " learning\",\"logprob\":-0.01,\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
          + "data:{\"index\":3,\"token\":{\"id\":1,\"text\":\" – Grüße"
          + " 👋\",\"logprob\":-0.3,\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
          + "data:{\"index\":4,\"token\":{\"id\":128009,\"text\":\"<|eot_id|>\",\"logprob\":0.0,\"special\":true},\"generated_text\":\"Deep"
          + " learning – Grüße 👋\",\"details\":null}\n\n";

  @Test
  void extractsTokensFromWholeEvents() {
    TgiStreamParser parser = new TgiStreamParser();
    List<Token> tokens = parser.feed(STREAM);
    assertThat(tokens)
        .extracting(Token::text)
        .containsExactly("Deep", " learning", " – Grüße 👋", "<|eot_id|>");
    assertThat(tokens.get(3).special()).isTrue();
    assertThat(parser.text()).isEqualTo("Deep learning – Grüße 👋");
    assertThat(parser.tokenCount()).isEqualTo(4);
    assertThat(parser.finished()).isTrue();
    assertThat(parser.generatedText()).isEqualTo("Deep learning – Grüße 👋");
  }

  @Test
  void toleratesEventsSplitAnywhereEvenInsideAUtf8Character() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    for (int size = 1; size <= 40; size++) {
      TgiStreamParser parser = new TgiStreamParser();
      List<Token> tokens = new ArrayList<>();
      for (int at = 0; at < bytes.length; at += size) {
        byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size));
        tokens.addAll(parser.feed(chunk));
      }
      tokens.addAll(parser.finish());
      assertThat(tokens).as("chunks of %d bytes", size).hasSize(4);
      assertThat(parser.text())
          .as("chunks of %d bytes", size)
          .isEqualTo("Deep learning – Grüße 👋");
      assertThat(parser.finished()).isTrue();
    }
  }

  @Test
  void aTokenArrivesAsSoonAsItsLineEnds() {
    TgiStreamParser parser = new TgiStreamParser();
    assertThat(
            parser.feed(
                "data:"
                    + " {\"token\":{\"id\":1,\"text\":\"a\",\"special\":false},\"generated_text\":nu"))
        .isEmpty();
    assertThat(parser.feed("ll}\r\n")).extracting(Token::text).containsExactly("a");
    assertThat(parser.feed("\r\n")).isEmpty();
    assertThat(parser.finished()).isFalse();
  }

  @Test
  void lastEventWithoutNewlineIsReadOnFinish() {
    TgiStreamParser parser = new TgiStreamParser();
    assertThat(
            parser.feed(
                "data:{\"token\":{\"id\":2,\"text\":\"</s>\",\"special\":true},\"generated_text\":\"done\"}"))
        .isEmpty();
    assertThat(parser.finish()).extracting(Token::special).containsExactly(true);
    assertThat(parser.generatedText()).isEqualTo("done");
    assertThat(parser.text()).isEmpty();
  }

  @Test
  void ignoresOtherSseLines() {
    TgiStreamParser parser = new TgiStreamParser();
    assertThat(parser.feed(": keep-alive\nevent: message\nid: 7\nretry: 1000\n\n")).isEmpty();
  }

  @Test
  void errorEventThrows() {
    TgiStreamParser parser = new TgiStreamParser();
    assertThatThrownBy(
            () ->
                parser.feed(
                    "data:{\"error\":\"Request failed during generation: Server error: CUDA out of"
                        + " memory\",\"error_type\":\"generation\"}\n\n"))
        .isInstanceOf(TgiException.class)
        .hasMessage(
            "TGI error (generation): Request failed during generation: Server error: CUDA out of"
                + " memory");
  }

  @Test
  void malformedEventThrowsOnceComplete() {
    TgiStreamParser parser = new TgiStreamParser();
    assertThat(parser.feed("data:{\"token\":\n")).isEmpty();
    assertThatThrownBy(() -> parser.feed("\n"))
        .isInstanceOf(TgiException.class)
        .hasMessageStartingWith("TGI stream event is not JSON: ");
  }
}

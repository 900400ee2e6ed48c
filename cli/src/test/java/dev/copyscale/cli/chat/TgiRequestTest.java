package dev.copyscale.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.cli.chat.TgiRequest.Parameters;
import org.junit.jupiter.api.Test;

class TgiRequestTest {
  @Test
  void defaultPayloadIsCopyscalesLoadDefaults() {
    String prompt = ChatTemplate.builtIn("llama3").render(ChatMessages.defaultConversation());
    assertThat(TgiRequest.of(prompt).toJson())
        .isEqualTo(
            "{\"inputs\":\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n"
                + "\\n"
                + "You are a helpful"
                + " assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\\n"
                + "\\n"
                + "What is deep learning?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\\n"
                + "\\n"
                + "\",\"parameters\":{\"do_sample\":true,\"top_p\":0.9,\"temperature\":0.6,\"top_k\":50,"
                + "\"max_new_tokens\":50,\"repetition_penalty\":1.03,\"return_full_text\":false}}");
  }

  @Test
  void everyParameterIsSettable() {
    Parameters p =
        Parameters.defaults()
            .withDoSample(false)
            .withTopP(0.5)
            .withTemperature(1.2)
            .withTopK(7)
            .withMaxNewTokens(256)
            .withRepetitionPenalty(1.0)
            .withReturnFullText(true);
    assertThat(TgiRequest.of("hi", p).toJson())
        .isEqualTo(
            "{\"inputs\":\"hi\",\"parameters\":{\"do_sample\":false,\"top_p\":0.5,\"temperature\":1.2,\"top_k\":7,"
                + "\"max_new_tokens\":256,\"repetition_penalty\":1.0,\"return_full_text\":true}}");
  }

  @Test
  void withoutDoSampleTheKeyIsLeftOut() {
    Parameters p = new Parameters(null, 0.6, 0.9, 50, 50, 1.03, false);
    assertThat(TgiRequest.of("hi", p).toJson())
        .isEqualTo(
            "{\"inputs\":\"hi\",\"parameters\":{\"top_p\":0.6,\"temperature\":0.9,\"top_k\":50,"
                + "\"max_new_tokens\":50,\"repetition_penalty\":1.03,\"return_full_text\":false}}");
    assertThat(Parameters.defaults().withTopP(0.6).withTemperature(0.9).withoutDoSample())
        .isEqualTo(p);
    assertThat(p.withDoSample(true).doSample()).isTrue();
  }

  @Test
  void streamingAddsStreamTrueLast() {
    assertThat(TgiRequest.of("hi").withStream(true).toJson())
        .endsWith(",\"return_full_text\":false},\"stream\":true}");
    assertThat(TgiRequest.of("hi").withStream(true).withStream(false).toJson())
        .doesNotContain("stream");
  }

  @Test
  void validationFollowsTgiAndNamesTheParameter() {
    Parameters d = Parameters.defaults();
    assertThatThrownBy(() -> d.withTemperature(0))
        .hasMessage("temperature must be strictly positive, was 0.0");
    assertThatThrownBy(() -> d.withTemperature(-1)).hasMessageStartingWith("temperature ");
    assertThatThrownBy(() -> d.withTemperature(Double.NaN)).hasMessageStartingWith("temperature ");
    assertThatThrownBy(() -> d.withTopP(1.0))
        .hasMessage("top_p must be > 0.0 and < 1.0 (TGI rejects 1.0), was 1.0");
    assertThatThrownBy(() -> d.withTopP(0.0)).hasMessageStartingWith("top_p ");
    assertThatThrownBy(() -> d.withTopK(0)).hasMessage("top_k must be strictly positive, was 0");
    assertThatThrownBy(() -> d.withMaxNewTokens(0))
        .hasMessage("max_new_tokens must be at least 1, was 0");
    assertThatThrownBy(() -> d.withRepetitionPenalty(0))
        .hasMessage("repetition_penalty must be strictly positive, was 0.0");
    assertThat(d.withTopP(0.999).topP()).isEqualTo(0.999);
    assertThat(d.withMaxNewTokens(1).maxNewTokens()).isEqualTo(1);
  }

  /**
   * copyscale's load defaults, which are not the tutorial's (dev.copyscale.cli.load.Tutorial):
   * sampling swapped, do_sample written.
   */
  @Test
  void defaultsAreCopyscalesNotTheTutorials() {
    assertThat(Parameters.defaults())
        .isEqualTo(new Parameters(true, 0.9, 0.6, 50, 50, 1.03, false));
  }

  @Test
  void readsTheGeneratedText() {
    assertThat(
            TgiResponse.generatedText(
                "[{\"generated_text\": \"Deep learning is a subset of machine learning.\"}]"))
        .isEqualTo("Deep learning is a subset of machine learning.");
    assertThat(TgiResponse.generatedText("{\"generated_text\": \"x\"}")).isEqualTo("x");
  }

  @Test
  void responseErrorsAreClear() {
    assertThatThrownBy(
            () ->
                TgiResponse.generatedText(
                    "{\"error\":\"Input validation error: `top_p` must be > 0.0 and <"
                        + " 1.0\",\"error_type\":\"validation\"}"))
        .isInstanceOf(TgiException.class)
        .hasMessage(
            "TGI error (validation): Input validation error: `top_p` must be > 0.0 and < 1.0");
    assertThatThrownBy(() -> TgiResponse.generatedText("[]"))
        .hasMessage("TGI response is an empty array");
    assertThatThrownBy(() -> TgiResponse.generatedText("[{\"text\":\"x\"}]"))
        .hasMessage("TGI response has no generated_text: [{\"text\":\"x\"}]");
    assertThatThrownBy(() -> TgiResponse.generatedText("<html>"))
        .hasMessageStartingWith("TGI response is not JSON: ");
  }
}

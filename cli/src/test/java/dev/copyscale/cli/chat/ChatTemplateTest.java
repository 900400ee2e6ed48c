package dev.copyscale.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in templates render exactly what transformers' apply_chat_template renders. The
 * expected files under test resources {@code expected/} were produced by Python Jinja2 in
 * transformers' chat-template environment (ImmutableSandboxedEnvironment, trim_blocks,
 * lstrip_blocks, raise_exception) and checked by hand against the models' documented formats; see
 * {@code expected/README.md}.
 */
class ChatTemplateTest {
  static final String RES = "/dev/copyscale/cli/chat/";

  static String resource(String name) {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream(RES + name)) {
      if (in == null) {
        return null;
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<ChatMessage> conversation(String name) {
    return ChatMessages.parse(resource("conversations/" + name + ".json"), name + ".json");
  }

  static Stream<Arguments> cases() {
    return Stream.of("llama3", "llama3.1", "mistral", "mistral-v0.3")
        .flatMap(
            template ->
                Stream.of(
                        "default",
                        "user-only",
                        "multi-turn",
                        "multi-turn-no-system",
                        "not-alternating",
                        "system-in-middle")
                    .map(conversation -> Arguments.of(template, conversation)));
  }

  @ParameterizedTest(name = "{0} renders {1} as apply_chat_template does")
  @MethodSource("cases")
  void rendersLikeTransformers(String template, String conversation) {
    String stem = "expected/" + template + "--" + conversation;
    String expected = resource(stem + ".txt");
    String error = resource(stem + ".error");
    ChatTemplate chat = ChatTemplate.builtIn(template);
    if (expected != null) {
      assertThat(chat.render(conversation(conversation))).isEqualTo(expected);
    } else {
      assertThat(error).as("expected output or error for " + stem).isNotNull();
      assertThatThrownBy(() -> chat.render(conversation(conversation)))
          .isInstanceOf(ChatTemplateException.class)
          .hasMessage("chat template " + template + " rejects these messages: " + error);
    }
  }

  @ParameterizedTest(name = "{0} without the generation prompt")
  @MethodSource("templates")
  void rendersWithoutGenerationPrompt(String template) {
    String expected = resource("expected/" + template + "--multi-turn--no-generation-prompt.txt");
    assertThat(ChatTemplate.builtIn(template).render(conversation("multi-turn"), false))
        .isEqualTo(expected);
  }

  static Stream<String> templates() {
    return Stream.of("llama3", "llama3.1", "mistral", "mistral-v0.3");
  }

  @Test
  void llama3MatchesMetasDocumentedPromptFormat() {
    // Meta's Llama 3 model card: the prompt format, written out by hand.
    String documented =
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
            + "What is deep learning?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
    assertThat(ChatTemplate.builtIn("llama3").render(ChatMessages.defaultConversation()))
        .isEqualTo(documented);
  }

  @Test
  void llama31AddsTheKnowledgeDateSystemHeader() {
    String documented =
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
            + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
            + "What is deep learning?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
    assertThat(ChatTemplate.builtIn("llama3.1").render(ChatMessages.defaultConversation()))
        .isEqualTo(documented);
  }

  @Test
  void mistralMatchesTheInstFormat() {
    // Mistral's tokenizer V1 format: <s> [INST] user [/INST] assistant</s> [INST] user [/INST]
    List<ChatMessage> chat =
        List.of(
            ChatMessage.user("What is your favourite condiment?"),
            ChatMessage.assistant("Lemon juice."),
            ChatMessage.user("Do you have mayonnaise recipes?"));
    assertThat(ChatTemplate.builtIn("mistral").render(chat))
        .isEqualTo(
            "<s> [INST] What is your favourite condiment? [/INST] Lemon juice.</s> [INST] Do you"
                + " have mayonnaise recipes? [/INST]");
    // V3 (v0.3): no space after <s> or before [/INST].
    assertThat(ChatTemplate.builtIn("mistral-v0.3").render(chat))
        .isEqualTo(
            "<s>[INST] What is your favourite condiment?[/INST] Lemon juice.</s>[INST] Do you have"
                + " mayonnaise recipes?[/INST]");
  }

  @Test
  void originalMistralV01TemplateRejectsSystemMessages() {
    ChatTemplate original =
        ChatTemplate.of(
            "mistral-v0.1-original", resource("mistral-v0.1-original.jinja"), "<s>", "</s>");
    assertThat(original.render(conversation("multi-turn").subList(1, 4)))
        .isEqualTo(
            "<s>[INST] Hello, how are you? [/INST]I'm doing great. How can I help you today?</s>"
                + " [INST] I'd like to show off how chat templating works! [/INST]");
    assertThatThrownBy(() -> original.render(conversation("multi-turn")))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessage(
            "chat template mistral-v0.1-original rejects these messages: "
                + "Conversation roles must alternate user/assistant/user/assistant/...");
    assertThatThrownBy(
            () -> original.render(List.of(ChatMessage.user("Hi"), ChatMessage.system("Be brief."))))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageEndingWith(
            "rejects these messages: Only user and assistant roles are supported!");
  }

  @Test
  void unknownBuiltInListsTheKnownOnes() {
    assertThatThrownBy(() -> ChatTemplate.builtIn("chatml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown chat template \"chatml\"; built-in templates: llama3, llama3.1, mistral,"
                + " mistral-v0.3 (or give a template file)");
  }

  @Test
  void everyBuiltInHasItsTokens() {
    assertThat(ChatTemplate.builtIns())
        .extracting(ChatTemplate.BuiltIn::name)
        .containsExactly("llama3", "llama3.1", "mistral", "mistral-v0.3");
    ChatTemplate llama3 = ChatTemplate.builtIn("llama3");
    assertThat(llama3.bosToken()).isEqualTo("<|begin_of_text|>");
    assertThat(llama3.eosToken()).isEqualTo("<|eot_id|>");
    ChatTemplate mistral = ChatTemplate.builtIn("mistral");
    assertThat(mistral.bosToken()).isEqualTo("<s>");
    assertThat(mistral.eosToken()).isEqualTo("</s>");
  }

  @Test
  void loadsATokenizerConfigFile(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, resource("tokenizer_config.json"));
    ChatTemplate template = ChatTemplate.fromFile(config, null, null);
    assertThat(template.bosToken()).isEqualTo("<|begin_of_text|>");
    assertThat(template.eosToken()).isEqualTo("<|eot_id|>"); // an AddedToken object's content
    assertThat(template.render(conversation("multi-turn")))
        .isEqualTo(resource("expected/llama3--multi-turn.txt"));
  }

  @Test
  void loadsAJinjaFileWithGivenTokens(@TempDir Path dir) throws IOException {
    Path jinja = dir.resolve("custom.jinja");
    Files.writeString(jinja, ChatTemplate.builtIn("mistral").text());
    ChatTemplate template = ChatTemplate.fromFile(jinja, "<s>", "</s>");
    assertThat(template.render(conversation("multi-turn")))
        .isEqualTo(resource("expected/mistral--multi-turn.txt"));
    assertThatThrownBy(() -> template.render(conversation("not-alternating")))
        .hasMessageStartingWith(
            "chat template "
                + jinja
                + " rejects these messages: After the optional system message");
  }

  @Test
  void missingTemplateFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.jinja");
    assertThatThrownBy(() -> ChatTemplate.fromFile(missing, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void tokenizerConfigWithoutTemplateIsNamed(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("tokenizer_config.json");
    Files.writeString(config, "{\"bos_token\": \"<s>\"}");
    assertThatThrownBy(() -> ChatTemplate.fromFile(config, null, null))
        .hasMessage(config + ": has no chat_template");
  }

  @Test
  void brokenTemplateIsAClearError() {
    ChatTemplate broken =
        ChatTemplate.of("broken", "{% for message in messages %}{{ message.content }}", "", "");
    assertThatThrownBy(() -> broken.render(ChatMessages.defaultConversation()))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageStartingWith("chat template broken cannot be rendered: ");
  }

  @Test
  void builtInTextIsTheUpstreamTextByteForByte() throws Exception {
    // SHA-256 of each template as quoted in the sources listed in templates/README.md.
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    assertThat(
            hex(sha.digest(ChatTemplate.builtIn("llama3").text().getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("ba03a121d097859c7b5b9cd03af99aafe95275210d2876f642ad9929a150f122");
    assertThat(
            hex(
                sha.digest(
                    ChatTemplate.builtIn("llama3.1").text().getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("e10ca381b1ccc5cf9db52e371f3b6651576caee0a630b452e2816b2d404d4b65");
    assertThat(
            hex(
                sha.digest(
                    ChatTemplate.builtIn("mistral").text().getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("796853172235ab3aaa4810013ddfe2eab481bda3306dad4f700c00d436eed596");
    assertThat(
            hex(
                sha.digest(
                    ChatTemplate.builtIn("mistral-v0.3").text().getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("e16746b40344d6c5b5265988e0328a0bf7277be86f1c335156eae07e29c82826");
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}

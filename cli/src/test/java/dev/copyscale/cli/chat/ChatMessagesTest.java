package dev.copyscale.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatMessagesTest {
  static String error(String json) {
    try {
      ChatMessages.parse(json, "messages.json");
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + json);
  }

  @Test
  void readsAnArray() {
    assertThat(
            ChatMessages.parse(
                "[{\"role\":\"system\",\"content\":\"Be"
                    + " brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]",
                "m.json"))
        .containsExactly(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
  }

  @Test
  void readsAMessagesObject() {
    assertThat(
            ChatMessages.parse(
                "{\"messages\": [{\"role\":\"user\",\"content\":\"Hi\"},"
                    + "{\"role\":\"assistant\",\"content\":\"\"}]}",
                "m.json"))
        .containsExactly(ChatMessage.user("Hi"), ChatMessage.assistant(""));
  }

  @Test
  void readsAFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("messages.json");
    Files.writeString(file, "[{\"role\":\"user\",\"content\":\"Grüße 👋\"}]");
    assertThat(ChatMessages.read(file)).containsExactly(ChatMessage.user("Grüße 👋"));
  }

  @Test
  void errorsNameTheFileTheIndexAndTheField() {
    assertThat(
            error(
                "[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"bot\",\"content\":\"c\"}]"))
        .isEqualTo("messages.json: [2].role must be one of system, user, assistant, was \"bot\"");
    assertThat(error("[{\"content\":\"a\"}]"))
        .isEqualTo("messages.json: [0].role is missing; must be one of system, user, assistant");
    assertThat(error("[{\"role\":\"user\"}]"))
        .isEqualTo("messages.json: [0].content is missing; must be a string");
    assertThat(error("[{\"role\":\"user\",\"content\":42}]"))
        .isEqualTo("messages.json: [0].content must be a string, was the number 42");
    assertThat(error("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"))
        .isEqualTo("messages.json: [0].content must be a string, was an array");
    assertThat(error("[{\"role\":null,\"content\":\"a\"}]"))
        .isEqualTo("messages.json: [0].role must be one of system, user, assistant, was null");
    assertThat(error("[\"hello\"]"))
        .isEqualTo(
            "messages.json: [0] must be an object {\"role\": ..., \"content\": ...}, was"
                + " \"hello\"");
    assertThat(error("[{\"role\":\"user\",\"content\":\"a\",\"name\":\"x\"}]"))
        .isEqualTo(
            "messages.json: [0] has unknown field \"name\"; a message has only role and content");
    assertThat(error("{\"messages\":[{\"role\":\"User\",\"content\":\"a\"}]}"))
        .isEqualTo(
            "messages.json: messages[0].role must be one of system, user, assistant, was \"User\"");
  }

  @Test
  void wholeFileErrors() {
    assertThat(error("[]")).isEqualTo("messages.json: has no messages; give at least one");
    assertThat(error("{\"messages\": []}"))
        .isEqualTo("messages.json: messages has no messages; give at least one");
    assertThat(error("")).isEqualTo("messages.json: is empty; expected a JSON array of messages");
    assertThat(error("{\"prompt\": \"hi\"}"))
        .isEqualTo(
            "messages.json: unknown field \"prompt\"; expected an array of messages or"
                + " {\"messages\": [...]}");
    assertThat(error("{\"messages\": \"hi\"}"))
        .isEqualTo("messages.json: messages must be an array of messages, was \"hi\"");
    assertThat(error("\"hi\""))
        .isEqualTo("messages.json: must be an array of messages, was \"hi\"");
    assertThat(error("[{\"role\":\"user\",\"content\":\"a\"},]"))
        .startsWith("messages.json: not valid JSON: ")
        .contains("line 1");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> ChatMessages.read(missing)).hasMessage(missing + ": no such file");
  }

  @Test
  void defaultConversationIsASystemPromptAndOneQuestion() {
    List<ChatMessage> chat = ChatMessages.defaultConversation();
    assertThat(chat).extracting(ChatMessage::role).containsExactly("system", "user");
    assertThat(chat.get(1).content()).isNotBlank();
  }
}

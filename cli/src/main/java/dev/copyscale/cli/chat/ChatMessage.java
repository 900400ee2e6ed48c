package dev.copyscale.cli.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One chat turn as Hugging Face chat templates see it: {@code {"role": ..., "content": ...}}. */
public record ChatMessage(String role, String content) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }

  /**
   * The dict a template indexes ({@code message['role']}, {@code message.content}, {@code 'x' in
   * message}).
   */
  Map<String, Object> toTemplateValue() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("role", role);
    value.put("content", content);
    return value;
  }
}

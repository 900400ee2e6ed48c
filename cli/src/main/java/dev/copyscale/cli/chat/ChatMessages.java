package dev.copyscale.cli.chat;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the conversation {@code copyscale load} sends: a JSON array of {@code {"role", "content"}}
 * objects, or an object {@code {"messages": [...]}} (the shape of an OpenAI-style request body).
 * Errors name the file and the element, for example {@code messages.json: [2].role must be one of
 * system, user, assistant, was "bot"}.
 */
public final class ChatMessages {
  /** The roles the catalog's chat templates understand. */
  public static final List<String> ROLES = List.of("system", "user", "assistant");

  /** The default system prompt, used when the user gives no messages file. */
  public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";

  /** The default question, used when the user gives no messages file. */
  public static final String DEFAULT_QUESTION = "What is deep learning?";

  private ChatMessages() {}

  /**
   * A short system prompt and one user question: the chat of AWS's Llama 3 8B inference-component
   * samples, and of {@code copyscale load --tutorial} (dev.copyscale.cli.load.Tutorial), which
   * renders it without the generation prompt where copyscale's load defaults add it.
   */
  public static List<ChatMessage> defaultConversation() {
    return List.of(ChatMessage.system(DEFAULT_SYSTEM_PROMPT), ChatMessage.user(DEFAULT_QUESTION));
  }

  /** Reads and validates a messages file; errors start with the path as given. */
  public static List<ChatMessage> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(file + ": is not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates messages JSON; {@code source} names the input in errors (a file name).
   *
   * @throws IllegalArgumentException naming {@code source} and the offending element and field
   */
  public static List<ChatMessage> parse(String json, String source) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new IllegalArgumentException(
          source + ": not valid JSON: " + e.getOriginalMessage() + where);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException(source + ": is empty; expected a JSON array of messages");
    }
    JsonNode array = root;
    String prefix = "";
    if (root.isObject()) {
      Iterator<String> names = root.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!name.equals("messages")) {
          throw new IllegalArgumentException(
              source
                  + ": unknown field \""
                  + name
                  + "\"; expected an array of messages or {\"messages\": [...]}");
        }
      }
      array = root.get("messages");
      prefix = "messages";
      if (array == null) {
        throw new IllegalArgumentException(
            source
                + ": expected an array of messages or {\"messages\": [...]}, got an object without"
                + " \"messages\"");
      }
    }
    if (!array.isArray()) {
      throw new IllegalArgumentException(
          source
              + ": "
              + (prefix.isEmpty() ? "" : prefix + " ")
              + "must be an array of messages, was "
              + describe(array));
    }
    if (array.isEmpty()) {
      throw new IllegalArgumentException(
          source
              + ": "
              + (prefix.isEmpty() ? "" : prefix + " ")
              + "has no messages; give at least one");
    }
    List<ChatMessage> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String at = source + ": " + prefix + "[" + i + "]";
      JsonNode element = array.get(i);
      if (!element.isObject()) {
        throw new IllegalArgumentException(
            at + " must be an object {\"role\": ..., \"content\": ...}, was " + describe(element));
      }
      Iterator<String> names = element.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!name.equals("role") && !name.equals("content")) {
          throw new IllegalArgumentException(
              at + " has unknown field \"" + name + "\"; a message has only role and content");
        }
      }
      JsonNode role = element.get("role");
      if (role == null) {
        throw new IllegalArgumentException(
            at + ".role is missing; must be one of " + String.join(", ", ROLES));
      }
      if (!role.isTextual() || !ROLES.contains(role.textValue())) {
        throw new IllegalArgumentException(
            at + ".role must be one of " + String.join(", ", ROLES) + ", was " + describe(role));
      }
      JsonNode content = element.get("content");
      if (content == null) {
        throw new IllegalArgumentException(at + ".content is missing; must be a string");
      }
      if (!content.isTextual()) {
        throw new IllegalArgumentException(
            at + ".content must be a string, was " + describe(content));
      }
      messages.add(new ChatMessage(role.textValue(), content.textValue()));
    }
    return List.copyOf(messages);
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      return Json.compact(node.textValue());
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isBoolean()) {
      return "the boolean " + node.asText();
    }
    if (node.isNumber()) {
      return "the number " + node.asText();
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}

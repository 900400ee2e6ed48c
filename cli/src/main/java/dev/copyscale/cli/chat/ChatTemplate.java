package dev.copyscale.cli.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.copyscale.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's Hugging Face chat template (the Jinja text of {@code tokenizer_config.json}'s {@code
 * chat_template}) and the special tokens it refers to. {@link #render} produces the prompt string
 * that {@code tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)}
 * produces, by evaluating the same template with Jinjava in the environment transformers uses:
 * {@code trim_blocks=True}, {@code lstrip_blocks=True}, the variables {@code messages}, {@code
 * add_generation_prompt}, {@code bos_token}, {@code eos_token}, and the function {@code
 * raise_exception(message)}, which here throws {@link ChatTemplateException}.
 *
 * <p>The built-in templates are copies of the catalog models' templates; their sources are listed
 * in {@code src/main/resources/dev/copyscale/cli/chat/templates/README.md}.
 */
public final class ChatTemplate {
  private static final String RESOURCES = "/dev/copyscale/cli/chat/templates/";

  /**
   * A built-in template: its name (the catalog's {@code chatTemplate} value), tokens and models.
   */
  public record BuiltIn(String name, String bosToken, String eosToken, List<String> models) {}

  private static final Map<String, BuiltIn> BUILT_INS =
      builtIns(
          new BuiltIn(
              "llama3",
              "<|begin_of_text|>",
              "<|eot_id|>",
              List.of(
                  "meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/Meta-Llama-3-70B-Instruct")),
          new BuiltIn(
              "llama3.1",
              "<|begin_of_text|>",
              "<|eot_id|>",
              List.of("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-70B-Instruct")),
          new BuiltIn(
              "mistral",
              "<s>",
              "</s>",
              List.of(
                  "mistralai/Mistral-7B-Instruct-v0.1",
                  "mistralai/Mistral-7B-Instruct-v0.2",
                  "mistralai/Mixtral-8x7B-Instruct-v0.1")),
          new BuiltIn(
              "mistral-v0.3", "<s>", "</s>", List.of("mistralai/Mistral-7B-Instruct-v0.3")));

  private static final Jinjava JINJAVA = newJinjava();

  private final String name;
  private final String text;
  private final String bosToken;
  private final String eosToken;

  private ChatTemplate(String name, String text, String bosToken, String eosToken) {
    this.name = Objects.requireNonNull(name, "name");
    this.text = Objects.requireNonNull(text, "text");
    this.bosToken = Objects.requireNonNull(bosToken, "bosToken");
    this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
  }

  /** A template from its Jinja text; {@code name} is used in error messages. */
  public static ChatTemplate of(String name, String jinja, String bosToken, String eosToken) {
    return new ChatTemplate(name, jinja, bosToken, eosToken);
  }

  /** The names of the built-in templates, in catalog order. */
  public static List<String> builtInNames() {
    return List.copyOf(BUILT_INS.keySet());
  }

  /** The built-in templates with their tokens and the models they belong to. */
  public static List<BuiltIn> builtIns() {
    return List.copyOf(BUILT_INS.values());
  }

  /**
   * A built-in template by the name the catalog's {@code chatTemplate} column uses.
   *
   * @throws IllegalArgumentException listing the known names when {@code name} is not one
   */
  public static ChatTemplate builtIn(String name) {
    BuiltIn builtIn = BUILT_INS.get(name);
    if (builtIn == null) {
      throw new IllegalArgumentException(
          "unknown chat template \""
              + name
              + "\"; built-in templates: "
              + String.join(", ", BUILT_INS.keySet())
              + " (or give a template file)");
    }
    try (InputStream in = ChatTemplate.class.getResourceAsStream(RESOURCES + name + ".jinja")) {
      if (in == null) {
        throw new IllegalStateException(
            "built-in chat template " + name + " is missing from the jar");
      }
      String jinja = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new ChatTemplate(name, jinja, builtIn.bosToken(), builtIn.eosToken());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A template from a file, for models not in the catalog: either a model's {@code
   * tokenizer_config.json} (a {@code .json} file: its {@code chat_template}, {@code bos_token} and
   * {@code eos_token} are used) or a plain Jinja file (any other name). Non-null {@code
   * bosToken}/{@code eosToken} override the file's; a plain Jinja file with no tokens given renders
   * them as empty strings.
   */
  public static ChatTemplate fromFile(Path file, String bosToken, String eosToken) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
      return new ChatTemplate(
          file.toString(),
          content,
          bosToken == null ? "" : bosToken,
          eosToken == null ? "" : eosToken);
    }
    JsonNode config;
    try {
      config = Json.mapper().readTree(content);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (config == null || !config.isObject()) {
      throw new IllegalArgumentException(file + ": expected a tokenizer_config.json object");
    }
    String jinja = chatTemplateOf(config.get("chat_template"), file);
    String bos = bosToken != null ? bosToken : token(config.get("bos_token"), "bos_token", file);
    String eos = eosToken != null ? eosToken : token(config.get("eos_token"), "eos_token", file);
    return new ChatTemplate(file.toString(), jinja, bos, eos);
  }

  private static String chatTemplateOf(JsonNode node, Path file) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(file + ": has no chat_template");
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    // Newer tokenizer configs may hold several named templates: [{"name": "default", "template":
    // ...}].
    if (node.isArray()) {
      for (JsonNode entry : node) {
        if (entry.path("name").asText().equals("default") && entry.path("template").isTextual()) {
          return entry.get("template").textValue();
        }
      }
      throw new IllegalArgumentException(
          file + ": chat_template lists no template named \"default\"");
    }
    throw new IllegalArgumentException(file + ": chat_template must be a string");
  }

  private static String token(JsonNode node, String field, Path file) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isObject() && node.path("content").isTextual()) {
      return node.get("content").textValue(); // an AddedToken object
    }
    throw new IllegalArgumentException(
        file + ": " + field + " must be a string or an object with \"content\"");
  }

  public String name() {
    return name;
  }

  /** The Jinja text, exactly as the model's tokenizer_config.json holds it. */
  public String text() {
    return text;
  }

  public String bosToken() {
    return bosToken;
  }

  public String eosToken() {
    return eosToken;
  }

  /**
   * The prompt for {@code messages}, ending with the assistant header (add_generation_prompt=True).
   */
  public String render(List<ChatMessage> messages) {
    return render(messages, true);
  }

  /**
   * The prompt for {@code messages}.
   *
   * @throws ChatTemplateException when the template raises (for example, roles that do not
   *     alternate) or cannot be evaluated
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("chat template " + name + ": no messages to render");
    }
    List<Map<String, Object>> values = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      values.add(message.toTemplateValue());
    }
    Map<String, Object> context = new HashMap<>();
    context.put("messages", values);
    context.put("add_generation_prompt", addGenerationPrompt);
    context.put("bos_token", bosToken);
    context.put("eos_token", eosToken);
    RenderResult result;
    try {
      result = JINJAVA.renderForResult(text, context);
    } catch (RaisedException e) {
      throw refused(e);
    } catch (RuntimeException e) {
      RaisedException raised = raisedIn(e);
      if (raised != null) {
        throw refused(raised);
      }
      throw new ChatTemplateException(
          "chat template " + name + " cannot be rendered: " + e.getMessage(), e);
    }
    for (TemplateError error : result.getErrors()) {
      RaisedException raised = raisedIn(error.getException());
      if (raised != null) {
        throw refused(raised);
      }
    }
    for (TemplateError error : result.getErrors()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new ChatTemplateException(
            "chat template "
                + name
                + " cannot be rendered: "
                + error.getMessage()
                + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""));
      }
    }
    return result.getOutput();
  }

  private ChatTemplateException refused(RaisedException raised) {
    return new ChatTemplateException(
        "chat template " + name + " rejects these messages: " + raised.getMessage(), raised);
  }

  private static RaisedException raisedIn(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof RaisedException) {
        return (RaisedException) t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** What {@code raise_exception} throws; unwrapped by {@link #render}. */
  static final class RaisedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaisedException(String message) {
      super(message);
    }
  }

  /** {@code raise_exception(message)}, the function transformers gives every chat template. */
  public static Object raiseException(Object message) {
    throw new RaisedException(String.valueOf(message));
  }

  private static Jinjava newJinjava() {
    // transformers renders chat templates with trim_blocks=True and lstrip_blocks=True. Jinjava
    // ignores the "-" of {{- ... -}} unless told to trim around expressions too, and by default
    // uses its own operator precedence; these overrides make it behave as Python's Jinja does.
    LegacyOverrides jinja =
        LegacyOverrides.newBuilder()
            .withUseTrimmingForNotesAndExpressions(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseNaturalOperatorPrecedence(true)
            .build();
    Jinjava jinjava =
        new Jinjava(
            JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(jinja)
                .build());
    jinjava
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", Object.class));
    return jinjava;
  }

  private static Map<String, BuiltIn> builtIns(BuiltIn... all) {
    Map<String, BuiltIn> byName = new LinkedHashMap<>();
    for (BuiltIn builtIn : all) {
      byName.put(builtIn.name(), builtIn);
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  @Override
  public String toString() {
    return "ChatTemplate[" + name + "]";
  }
}

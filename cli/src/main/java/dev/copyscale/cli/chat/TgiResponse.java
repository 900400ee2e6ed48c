package dev.copyscale.cli.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;

/** Reads the body TGI returns from {@code InvokeEndpoint}: {@code [{"generated_text": "..."}]}. */
public final class TgiResponse {
  private TgiResponse() {}

  /**
   * The generated text of a TGI response body. Accepts the SageMaker shape {@code
   * [{"generated_text": ...}]} and TGI's own {@code {"generated_text": ...}}.
   *
   * @throws TgiException when the body is an error ({@code {"error": ..., "error_type": ...}}) or
   *     has no generated text
   */
  public static String generatedText(String body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw new TgiException(
          "TGI response is not JSON: " + e.getOriginalMessage() + ": " + excerpt(body));
    }
    if (root == null || root.isMissingNode()) {
      throw new TgiException("TGI response is empty");
    }
    JsonNode first = root;
    if (root.isArray()) {
      if (root.isEmpty()) {
        throw new TgiException("TGI response is an empty array");
      }
      first = root.get(0);
    }
    if (first.isObject() && first.has("error")) {
      throw TgiException.fromError(first);
    }
    JsonNode text = first.get("generated_text");
    if (text == null || !text.isTextual()) {
      throw new TgiException("TGI response has no generated_text: " + excerpt(body));
    }
    return text.textValue();
  }

  static String excerpt(String body) {
    String flat = body.strip();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }
}

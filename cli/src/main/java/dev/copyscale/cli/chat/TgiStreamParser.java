package dev.copyscale.cli.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TGI's token stream as {@code InvokeEndpointWithResponseStream} delivers it: server-sent
 * events, one per generated token,
 *
 * <pre>
 * data:{"index":1,"token":{"id":1234,"text":" Deep","logprob":-0.1,"special":false},   (one line)
 *       "generated_text":null,"details":null}
 * </pre>
 *
 * <p>with the whole text in {@code generated_text} on the last event. The endpoint's payload parts
 * split the stream anywhere (inside an event, a line, or a multi-byte UTF-8 character), so this
 * parser keeps the unfinished line between calls to {@link #feed}. Not thread-safe: one parser per
 * response.
 */
public final class TgiStreamParser {
  /**
   * One generated token; {@code special} tokens (such as the end-of-sequence token) carry no text
   * for the user.
   */
  public record Token(long id, String text, boolean special) {}

  private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
  private final StringBuilder multiLineData = new StringBuilder();
  private final StringBuilder text = new StringBuilder();
  private String generatedText;
  private int tokens;

  /** Feeds the next payload part; returns the tokens of the events it completes. */
  public List<Token> feed(byte[] chunk) {
    List<Token> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < chunk.length; i++) {
      if (chunk[i] == '\n') {
        partialLine.write(chunk, start, i - start);
        line(partialLine.toString(StandardCharsets.UTF_8), out);
        partialLine.reset();
        start = i + 1;
      }
    }
    partialLine.write(chunk, start, chunk.length - start);
    return out;
  }

  /** Feeds the next part of the stream as text. */
  public List<Token> feed(String chunk) {
    return feed(chunk.getBytes(StandardCharsets.UTF_8));
  }

  /** Ends the stream: parses a last event that was not followed by a newline. */
  public List<Token> finish() {
    List<Token> out = new ArrayList<>();
    if (partialLine.size() > 0) {
      line(partialLine.toString(StandardCharsets.UTF_8), out);
      partialLine.reset();
    }
    if (multiLineData.length() > 0) {
      dispatch(multiLineData.toString(), out, true);
      multiLineData.setLength(0);
    }
    return out;
  }

  /** The text of the non-special tokens so far. */
  public String text() {
    return text.toString();
  }

  /** The number of tokens (special ones included) so far. */
  public int tokenCount() {
    return tokens;
  }

  /** The final event's {@code generated_text}, or null until it arrives. */
  public String generatedText() {
    return generatedText;
  }

  /** Whether the final event (the one with {@code generated_text}) has arrived. */
  public boolean finished() {
    return generatedText != null;
  }

  private void line(String raw, List<Token> out) {
    String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
    if (line.isEmpty()) {
      // End of an event: a data payload spread over several data: lines is complete now.
      if (multiLineData.length() > 0) {
        dispatch(multiLineData.toString(), out, true);
        multiLineData.setLength(0);
      }
      return;
    }
    if (!line.startsWith("data:")) {
      return; // event:, id:, retry: and ":" comment lines carry nothing TGI needs
    }
    String data = line.substring(5);
    if (data.startsWith(" ")) {
      data = data.substring(1);
    }
    if (multiLineData.length() > 0) {
      multiLineData.append('\n').append(data);
      return;
    }
    if (!dispatch(data, out, false)) {
      multiLineData.append(data);
    }
  }

  /**
   * Parses one event's data; returns false when it is not (yet) complete JSON and {@code last} is
   * false.
   */
  private boolean dispatch(String data, List<Token> out, boolean last) {
    if (data.isBlank() || data.equals("[DONE]")) {
      return true;
    }
    JsonNode event;
    try {
      event = Json.mapper().readTree(data);
    } catch (JsonProcessingException e) {
      if (!last) {
        return false;
      }
      throw new TgiException(
          "TGI stream event is not JSON: "
              + e.getOriginalMessage()
              + ": "
              + TgiResponse.excerpt(data));
    }
    if (event == null || !event.isObject()) {
      throw new TgiException("TGI stream event is not a JSON object: " + TgiResponse.excerpt(data));
    }
    if (event.has("error")) {
      throw TgiException.fromError(event);
    }
    JsonNode token = event.get("token");
    if (token != null && token.isObject()) {
      boolean special = token.path("special").asBoolean(false);
      String tokenText = token.path("text").isTextual() ? token.get("text").textValue() : "";
      Token parsed = new Token(token.path("id").asLong(-1), tokenText, special);
      tokens++;
      if (!special) {
        text.append(tokenText);
      }
      out.add(parsed);
    }
    JsonNode generated = event.get("generated_text");
    if (generated != null && generated.isTextual()) {
      generatedText = generated.textValue();
    }
    return true;
  }
}

package dev.copyscale.cli.chat;

import com.fasterxml.jackson.databind.JsonNode;

/** TGI answered with an error, or with something that is not a TGI response. */
public final class TgiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String errorType;

  public TgiException(String message) {
    this(message, null);
  }

  public TgiException(String message, String errorType) {
    super(message);
    this.errorType = errorType;
  }

  /** TGI's {@code error_type} ("validation", "overloaded", ...), or null. */
  public String errorType() {
    return errorType;
  }

  static TgiException fromError(JsonNode error) {
    String type = error.path("error_type").isTextual() ? error.get("error_type").textValue() : null;
    String message =
        error.get("error").isTextual()
            ? error.get("error").textValue()
            : error.get("error").toString();
    return new TgiException(
        "TGI error" + (type == null ? "" : " (" + type + ")") + ": " + message, type);
  }
}

package dev.copyscale.serving;

/**
 * The typical request a serving figure is for: its prompt and output tokens (the bundled table's
 * load is ~550 and ~175).
 */
public record RequestShape(int promptTokens, int outputTokens) {
  /** The bundled table's load: llmperf, ~550 input and ~175 output tokens. */
  public static final RequestShape BUNDLED_TABLE = new RequestShape(550, 175);

  public RequestShape {
    if (promptTokens < 1 || outputTokens < 1) {
      throw new IllegalArgumentException(
          "a request needs at least one prompt and one output token: "
              + promptTokens
              + " / "
              + outputTokens);
    }
  }

  @Override
  public String toString() {
    return promptTokens + " prompt / " + outputTokens + " output tokens";
  }
}

package dev.copyscale.cli.chat;

/** A chat template refused the conversation ({@code raise_exception}) or could not be rendered. */
public final class ChatTemplateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ChatTemplateException(String message) {
    super(message);
  }

  public ChatTemplateException(String message, Throwable cause) {
    super(message, cause);
  }
}

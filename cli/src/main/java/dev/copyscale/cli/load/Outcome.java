package dev.copyscale.cli.load;

import java.time.Duration;

/**
 * One request's result as its sender saw it: the latency from sending to the last byte, the time to
 * the first streamed token (null when not streaming or failed), or the error, grouped by {@code
 * errorType} in the summary.
 */
public record Outcome(
    Duration latency, Duration ttft, int outputTokens, String errorType, String errorMessage) {
  public boolean ok() {
    return errorType == null;
  }

  static Outcome failed(Duration latency, String type, String message) {
    return new Outcome(latency, null, 0, type, message);
  }
}

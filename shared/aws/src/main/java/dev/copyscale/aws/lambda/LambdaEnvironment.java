package dev.copyscale.aws.lambda;

import java.time.Duration;
import java.util.Optional;

/** The settings template.yaml gives every copyscale function through its environment. */
public final class LambdaEnvironment {
  private LambdaEnvironment() {}

  /** A setting template.yaml always gives the function. */
  public static String required(String name) {
    return optional(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "environment variable " + name + " is not set (template.yaml sets it)"));
  }

  public static Optional<String> optional(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
  }

  public static String stateTable() {
    return required("STATE_TABLE");
  }

  public static String stack() {
    return required("COPYSCALE_STACK");
  }

  /** How long ledger entries and handled-event ids are kept (LEDGER_RETENTION_DAYS, default 30). */
  public static Duration ledgerRetention() {
    String days = optional("LEDGER_RETENTION_DAYS").orElse("30");
    try {
      return Duration.ofDays(Long.parseLong(days));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "LEDGER_RETENTION_DAYS is \"" + days + "\", not a number of days");
    }
  }
}

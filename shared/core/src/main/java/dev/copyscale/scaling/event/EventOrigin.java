package dev.copyscale.scaling.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a copyscale function runs: its account and region. An event that names another account or
 * region is not one of this stack's and is ignored. EventBridge delivers events of other accounts
 * to a bus whose policy admits them, and an alarm of another account may invoke a function whose
 * resource policy allows it; neither may scale this stack's deployments.
 *
 * <p>Checked shapes: an EventBridge event ({@code detail-type}: {@code account}, {@code region} and
 * every ARN in {@code resources}) and CloudWatch's direct Lambda alarm action ({@code alarmData}:
 * {@code accountId}, {@code region} and {@code alarmArn}). Input without an envelope (EventBridge
 * Scheduler's, a spec invoked directly, the reconcile tick) names no origin; who may invoke the
 * function at all is IAM's to decide.
 */
public record EventOrigin(String account, String region) {
  private static final Pattern ACCOUNT = Pattern.compile("^\\d{12}$");
  private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-\\d+$");

  /**
   * arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; region and account may be empty (global
   * services).
   */
  private static final Pattern ARN =
      Pattern.compile("^arn:[a-z-]+:[a-z0-9-]+:([a-z0-9-]*):(\\d*):.+$");

  public EventOrigin {
    if (account == null || !ACCOUNT.matcher(account).matches()) {
      throw new IllegalArgumentException(
          "account \"" + account + "\" is not a 12-digit AWS account id");
    }
    if (region == null || !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException(
          "region \"" + region + "\" is not an AWS region such as us-east-1");
    }
  }

  /** Why {@code event} is not from this account and region, or empty. */
  public Optional<String> check(JsonNode event) {
    return check(event, account, region);
  }

  /**
   * Why {@code event} is not from {@code account} and {@code region}, naming the field that says
   * otherwise ({@code account}, {@code region}, {@code resources[i]}, {@code accountId}, {@code
   * alarmArn}); empty when it is, or when it names no origin at all.
   */
  public static Optional<String> check(JsonNode event, String account, String region) {
    if (event == null || !event.isObject()) {
      return Optional.empty();
    }
    if (event.has("detail-type")) {
      return same(event, "account", account, "account")
          .or(() -> same(event, "region", region, "region"))
          .or(() -> resources(event, account, region));
    }
    if (event.has("alarmData")) {
      return same(event, "accountId", account, "account")
          .or(() -> same(event, "region", region, "region"))
          .or(() -> arn(event.get("alarmArn"), "alarmArn", account, region, true));
    }
    return Optional.empty();
  }

  private static Optional<String> same(JsonNode event, String field, String expected, String what) {
    JsonNode value = event.get(field);
    if (value == null || value.isNull()) {
      return Optional.of(
          field
              + " is missing: the event cannot show it comes from this function's "
              + what
              + " "
              + expected
              + "; the event is ignored");
    }
    if (!value.isTextual() || !value.asText().equals(expected)) {
      return Optional.of(
          field
              + " "
              + value
              + " is not this function's "
              + what
              + " "
              + expected
              + "; the event is ignored");
    }
    return Optional.empty();
  }

  private static Optional<String> resources(JsonNode event, String account, String region) {
    JsonNode resources = event.path("resources");
    for (int i = 0; i < resources.size(); i++) {
      Optional<String> wrong =
          arn(resources.get(i), "resources[" + i + "]", account, region, false);
      if (wrong.isPresent()) {
        return wrong;
      }
    }
    return Optional.empty();
  }

  /**
   * An ARN's region and account, where it has them, must be ours; {@code required}: it must be an
   * ARN at all.
   */
  private static Optional<String> arn(
      JsonNode value, String field, String account, String region, boolean required) {
    if (value == null || value.isNull() || !value.isTextual()) {
      return required
          ? Optional.of(field + " is missing or not an ARN; the event is ignored")
          : Optional.empty();
    }
    Matcher m = ARN.matcher(value.asText());
    if (!m.matches()) {
      return required
          ? Optional.of(field + " \"" + value.asText() + "\" is not an ARN; the event is ignored")
          : Optional.empty();
    }
    if (!m.group(2).isEmpty() && !m.group(2).equals(account)) {
      return Optional.of(
          field
              + " \""
              + value.asText()
              + "\" is in account "
              + m.group(2)
              + ", not this function's account "
              + account
              + "; the event is ignored");
    }
    if (!m.group(1).isEmpty() && !m.group(1).equals(region)) {
      return Optional.of(
          field
              + " \""
              + value.asText()
              + "\" is in region "
              + m.group(1)
              + ", not this function's region "
              + region
              + "; the event is ignored");
    }
    return Optional.empty();
  }
}

package dev.copyscale.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a deploy invocation asks for. Accepted shapes: a copyscale/v1 spec; an EventBridge event
 * whose {@code detail} is one of these; {@code {"deployment": NAME}} to continue a stored
 * deployment; {@code {"deployment": NAME, "action": "delete"}}; {@code {"action": "reconcile"}}
 * from the reconcile schedule, which advances every deployment still in progress.
 */
public sealed interface DeployRequest {
  record Submit(JsonNode spec) implements DeployRequest {}

  record Resume(String deployment) implements DeployRequest {}

  record Delete(String deployment) implements DeployRequest {}

  record ReconcileAll() implements DeployRequest {}

  /**
   * @throws IllegalArgumentException naming what is wrong with the event
   */
  static DeployRequest parse(JsonNode event) {
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException(
          "deploy event must be a JSON object: a copyscale/v1 spec, {\"deployment\": NAME},"
              + " {\"deployment\": NAME, \"action\": \"delete\"} or an EventBridge event with one"
              + " of these as detail");
    }
    if (event.has("detail-type") && event.has("detail")) {
      return parse(event.get("detail"));
    }
    if (event.has("apiVersion")) {
      return new Submit(event);
    }
    Set<String> fields = new TreeSet<>();
    for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    String action = text(event, "action");
    if (fields.equals(Set.of("action")) && action.equals("reconcile")) {
      return new ReconcileAll();
    }
    if (!fields.contains("deployment")) {
      throw new IllegalArgumentException(
          "deploy event has no apiVersion (a spec) and no \"deployment\" field; got fields "
              + fields);
    }
    Set<String> unknown = new TreeSet<>(fields);
    unknown.removeAll(Set.of("deployment", "action"));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "deploy event: unknown fields " + unknown + "; allowed: deployment, action");
    }
    String deployment = text(event, "deployment");
    if (deployment.isBlank()) {
      throw new IllegalArgumentException("deploy event: \"deployment\" must be a non-empty string");
    }
    if (!fields.contains("action")) {
      return new Resume(deployment);
    }
    return switch (action) {
      case "delete" -> new Delete(deployment);
      case "reconcile" -> new Resume(deployment);
      default ->
          throw new IllegalArgumentException(
              "deploy event: \"action\" is \"" + action + "\"; allowed: delete, reconcile");
    };
  }

  private static String text(JsonNode event, String field) {
    JsonNode value = event.get(field);
    if (value == null) {
      return "";
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(
          "deploy event: \"" + field + "\" must be a string, got " + value);
    }
    return value.asText();
  }
}

package dev.copyscale.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Example specs as mutable trees, so each test changes exactly the field it is about. */
final class SpecDocs {
  static final YAMLMapper YAML = new YAMLMapper();

  private SpecDocs() {}

  static ObjectNode example(String file) {
    try {
      return (ObjectNode) YAML.readTree(RepoFiles.read("examples/" + file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fitting Llama 3 8B example (native engine, steps, schedules). */
  static ObjectNode llama() {
    return example("llama3-8b.yaml");
  }

  /**
   * Sets a value at a dotted path with [i] list indexes, e.g. {@code scaling.stepPolicies[0].name}.
   */
  static ObjectNode set(ObjectNode doc, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonNode node = doc;
    for (int i = 0; i < parts.length - 1; i++) {
      node = child(node, parts[i]);
    }
    String last = parts[parts.length - 1];
    JsonNode json = YAML.valueToTree(value);
    if (last.endsWith("]")) {
      String field = last.substring(0, last.indexOf('['));
      int index = Integer.parseInt(last.substring(last.indexOf('[') + 1, last.length() - 1));
      ((ArrayNode) node.get(field)).set(index, json);
    } else {
      ((ObjectNode) node).set(last, json);
    }
    return doc;
  }

  static ObjectNode remove(ObjectNode doc, String path) {
    int dot = path.lastIndexOf('.');
    JsonNode parent = dot < 0 ? doc : navigate(doc, path.substring(0, dot));
    ((ObjectNode) parent).remove(path.substring(dot + 1));
    return doc;
  }

  /** Parses a YAML snippet, for setting whole objects. */
  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode navigate(JsonNode doc, String path) {
    JsonNode node = doc;
    for (String part : path.split("\\.")) {
      node = child(node, part);
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String part) {
    if (part.endsWith("]")) {
      String field = part.substring(0, part.indexOf('['));
      int index = Integer.parseInt(part.substring(part.indexOf('[') + 1, part.length() - 1));
      return node.get(field).get(index);
    }
    return node.get(part);
  }

  static SpecResult parse(JsonNode doc) {
    return SpecParser.parse(doc);
  }
}

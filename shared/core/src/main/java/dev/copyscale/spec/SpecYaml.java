package dev.copyscale.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A spec written in YAML, read as YAML 1.2 (its core schema) by snakeyaml-engine into the tree the
 * rest of {@link SpecParser} reads. Jackson's own YAML module (2.x) reads YAML 1.1, where {@code
 * 010} is octal 8, {@code 1:30} is the sexagesimal 90, {@code yes} is true and {@code 1_000} is
 * 1000; in YAML 1.2 those are 10 and three strings. One document per file: a second one ({@code
 * ---}) is refused, not ignored.
 *
 * <p>Two things YAML 1.2 accepts are refused all the same, because a reader of the spec could take
 * them otherwise: an integer written with a leading zero ({@code 010}: 8 to YAML 1.1 tools, 10 to
 * YAML 1.2 ones), and a key given twice in one mapping (YAML requires unique keys; parsers keep the
 * last).
 */
final class SpecYaml {
  /** The longest spec read, in characters: a spec is a few kilobytes. */
  static final int MAX_CHARACTERS = 1 << 20;

  /** How deep mappings and lists may nest: a spec nests five levels. */
  static final int MAX_DEPTH = 64;

  /** YAML 1.2's core-schema integers ({@code 0o17} and {@code 0x1F} included). */
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");

  private static final Pattern LEADING_ZERO = Pattern.compile("[-+]?0[0-9]+");
  private static final Pattern OCTAL = Pattern.compile("0o[0-7]+");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");

  private static final LoadSettings SETTINGS =
      LoadSettings.builder()
          .setSchema(new CoreSchema())
          .setCodePointLimit(MAX_CHARACTERS)
          .setAllowRecursiveKeys(false)
          .setMaxAliasesForCollections(50)
          .setLabel("spec")
          .build();

  /** A document that is not YAML, or not one document of plain YAML values. */
  static final class NotYaml extends RuntimeException {
    NotYaml(String message) {
      super(message);
    }
  }

  /** The document's tree and the problems of values found while reading it. */
  record Read(JsonNode tree, List<Problem> problems) {}

  private final List<Problem> problems = new ArrayList<>();

  private SpecYaml() {}

  /**
   * @throws NotYaml saying why and where (line, column), in copyscale's words
   */
  static Read read(String text) {
    if (text.length() > MAX_CHARACTERS) {
      throw new NotYaml(
          "it is "
              + text.length()
              + " characters long; a spec may have at most "
              + MAX_CHARACTERS
              + " (a spec is a few kilobytes)");
    }
    SpecYaml reader = new SpecYaml();
    try {
      Iterator<Node> documents = new Compose(SETTINGS).composeAllFromString(text).iterator();
      if (!documents.hasNext()) {
        throw new NotYaml("it is empty");
      }
      Node root = documents.next();
      if (documents.hasNext()) {
        Node second = documents.next();
        throw new NotYaml(
            "a second YAML document begins"
                + at(second.getStartMark())
                + "; a spec file holds one document (remove the second, or the --- before it)");
      }
      return new Read(reader.json(root, "", 0), reader.problems);
    } catch (MarkedYamlEngineException e) {
      throw new NotYaml(e.getProblem() + at(e.getProblemMark()));
    } catch (YamlEngineException e) {
      throw new NotYaml(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private static String at(Optional<Mark> mark) {
    return mark.map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
        .orElse("");
  }

  private static String pathOf(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  private JsonNode json(Node node, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new NotYaml("it nests deeper than " + MAX_DEPTH + " levels" + at(node.getStartMark()));
    }
    if (node instanceof MappingNode mapping) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
          throw new NotYaml(
              "a key"
                  + (path.isEmpty() ? "" : " in " + path)
                  + " is not a plain name"
                  + at(tuple.getKeyNode().getStartMark()));
        }
        if (object.has(key.getValue())) {
          throw new NotYaml(
              "the key \""
                  + key.getValue()
                  + "\" appears twice in one object"
                  + at(key.getStartMark())
                  + "; each key may appear once");
        }
        object.set(
            key.getValue(), json(tuple.getValueNode(), pathOf(path, key.getValue()), depth + 1));
      }
      return object;
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        array.add(json(items.get(i), path + "[" + i + "]", depth + 1));
      }
      return array;
    }
    return scalar((ScalarNode) node, path);
  }

  private JsonNode scalar(ScalarNode node, String path) {
    String text = node.getValue();
    Tag tag = node.getTag();
    if (tag.equals(Tag.STR)) {
      return JsonNodeFactory.instance.textNode(text);
    }
    if (tag.equals(Tag.NULL)) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      return JsonNodeFactory.instance.booleanNode(text.equalsIgnoreCase("true"));
    }
    if (tag.equals(Tag.INT)) {
      return integer(text, path, node);
    }
    if (tag.equals(Tag.FLOAT)) {
      return JsonNodeFactory.instance.numberNode(floating(text));
    }
    throw new NotYaml(
        (path.isEmpty() ? "the document" : path)
            + " carries the tag "
            + tag.getValue()
            + at(node.getStartMark())
            + "; a spec holds plain strings, numbers, booleans, lists and mappings");
  }

  private JsonNode integer(String text, String path, ScalarNode node) {
    BigInteger value;
    if (OCTAL.matcher(text).matches()) {
      value = new BigInteger(text.substring(2), 8);
    } else if (HEX.matcher(text).matches()) {
      value = new BigInteger(text.substring(2), 16);
    } else if (DECIMAL.matcher(text).matches()) {
      value = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
      if (LEADING_ZERO.matcher(text).matches()) {
        problems.add(
            new Problem(
                path,
                text
                    + " has a leading zero, which YAML 1.1 tools read as octal ("
                    + leadingZeroAsOctal(text)
                    + ") and YAML 1.2 as decimal ("
                    + value
                    + "); write "
                    + value
                    + ", or 0o"
                    + text.replaceFirst("^[-+]?0+", "")
                    + " for octal"));
      }
    } else {
      // The core schema tags nothing else as an integer; an explicit !!int on other text lands
      // here.
      throw new NotYaml(
          (path.isEmpty() ? "the document" : path)
              + ": \""
              + text
              + "\" is tagged as an integer but is not one"
              + at(node.getStartMark()));
    }
    if (value.bitLength() < 32) {
      return JsonNodeFactory.instance.numberNode(value.intValue());
    }
    if (value.bitLength() < 64) {
      return JsonNodeFactory.instance.numberNode(value.longValue());
    }
    return JsonNodeFactory.instance.numberNode(value);
  }

  private static String leadingZeroAsOctal(String text) {
    String digits = text.replaceFirst("^[-+]?0+", "");
    if (digits.isEmpty()) {
      return "0";
    }
    if (!digits.matches("[0-7]+")) {
      return "not a number: " + text + " has digits above 7";
    }
    return (text.startsWith("-") ? "-" : "") + new BigInteger(digits, 8);
  }

  /** A core-schema float: NaN and the infinities stay what they are, for the checks to refuse. */
  private static double floating(String text) {
    String t = text.toLowerCase(java.util.Locale.ROOT);
    if (t.equals(".nan")) {
      return Double.NaN;
    }
    if (t.endsWith(".inf")) {
      return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(text);
  }
}

package dev.copyscale.twin.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * An AWS SDK response object as the AWS API writes it: each field under its wire member name
 * ({@code EndpointName}, {@code InferenceComponentStatus}, ...), taken from the SDK's own model.
 */
public final class SdkJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SdkJson() {}

  public static ObjectNode of(SdkPojo pojo) {
    ObjectNode node = NODES.objectNode();
    for (SdkField<?> field : pojo.sdkFields()) {
      Object value = field.getValueOrDefault(pojo);
      if (value == null
          || (value instanceof Collection<?> c && c.isEmpty() && isAutoConstruct(c))
          || (value instanceof Map<?, ?> m && m.isEmpty())) {
        continue;
      }
      node.set(field.locationName(), value(value));
    }
    return node;
  }

  private static boolean isAutoConstruct(Collection<?> c) {
    return c.getClass().getSimpleName().startsWith("DefaultSdkAutoConstruct");
  }

  private static JsonNode value(Object value) {
    if (value instanceof SdkPojo pojo) {
      return of(pojo);
    }
    if (value instanceof Collection<?> list) {
      ArrayNode array = NODES.arrayNode();
      list.forEach(v -> array.add(value(v)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), value(v)));
      return object;
    }
    if (value instanceof Instant instant) {
      return NODES.textNode(instant.toString());
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Float f) {
      return NODES.numberNode(f);
    }
    if (value instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    return NODES.textNode(String.valueOf(value));
  }
}

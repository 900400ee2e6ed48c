package dev.copyscale.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the commands print measured figures, for people and for machines. */
final class Figures {
  private Figures() {}

  /** Milliseconds as a person reads them: "850 ms", "12.3 s", "-" when there is no figure (NaN). */
  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 10_000
        ? String.format(Locale.ROOT, "%.1f s", v / 1000)
        : String.format(Locale.ROOT, "%,.0f ms", v);
  }

  /** JSON has no NaN: a figure that does not exist (no request succeeded) is written as null. */
  static JsonNode withoutNaN(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode v = o.get(name);
        if (v.isNumber() && (Double.isNaN(v.doubleValue()) || Double.isInfinite(v.doubleValue()))) {
          o.putNull(name);
        } else {
          withoutNaN(v);
        }
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(Figures::withoutNaN);
    }
    return node;
  }
}

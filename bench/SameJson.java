import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether two simulation results give the same figures: every field both JSON documents have is
 * compared (objects key by key, whatever their order; numbers to 1e-9 of their size, as two builds
 * may sum the same hours in another order); fields only one has (a newer build's additions) are
 * left out. Exit 0 when the same, 1 naming the first difference. Run by the JDK in source-file
 * mode with the CLI jar's Jackson on the class path.
 */
public class SameJson {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    String difference = differ(json.readTree(new File(args[0])), json.readTree(new File(args[1])), "");
    if (difference != null) {
      System.out.println("first difference at " + difference);
      System.exit(1);
    }
  }

  static String differ(JsonNode a, JsonNode b, String at) {
    if (a.isNumber() && b.isNumber()) {
      double x = a.asDouble();
      double y = b.asDouble();
      return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y))) ? null : at;
    }
    if (a.isObject() && b.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (b.has(field.getKey())) {
          String d = differ(field.getValue(), b.get(field.getKey()), at + "." + field.getKey());
          if (d != null) {
            return d;
          }
        }
      }
      return null;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return at + " (" + a.size() + " and " + b.size() + " elements)";
      }
      for (int i = 0; i < a.size(); i++) {
        String d = differ(a.get(i), b.get(i), at + "[" + i + "]");
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    return a.equals(b) ? null : at;
  }
}

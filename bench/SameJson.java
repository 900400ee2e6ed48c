import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;

/**
 * Whether two JSON files hold the same document (objects compared key by key, whatever their
 * order): exit 0 when they do, 1 when not. Run by the JDK in source-file mode with the CLI jar's
 * Jackson on the class path.
 */
public class SameJson {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    System.exit(json.readTree(new File(args[0])).equals(json.readTree(new File(args[1]))) ? 0 : 1);
  }
}

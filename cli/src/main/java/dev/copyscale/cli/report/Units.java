package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way every command, the report page, its CSV and its JSON write figures for people:
 * latencies in ms up to 10 s and in seconds beyond, longer durations in minutes and seconds (hours
 * and days when longer), a share as a percentage beside its count, money in dollars and cents. JSON
 * keeps the exact numbers; only text for people is rounded.
 */
public final class Units {
  private Units() {}

  /** What the page and the table print for a figure that does not exist (NaN). */
  public static final String NONE = "-";

  /** Milliseconds: "850 ms", "5,031 ms", "12.3 s"; {@link #NONE} for NaN. */
  public static String ms(double v) {
    if (!Double.isFinite(v)) {
      return NONE;
    }
    return v >= 10_000
        ? String.format(Locale.ROOT, "%.1f s", v / 1000)
        : String.format(Locale.ROOT, "%,.0f ms", v);
  }

  /**
   * A stretch of time for people: "45 s", "7 min", "7 min 30 s", "19 h 51 min", "3 d 4 h"; rounded
   * to the second below an hour, to the minute below a day, to the hour beyond.
   */
  public static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return NONE;
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }
    long m = Math.round(seconds / 60);
    if (m < 24 * 60) {
      return m / 60 + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
    }
    long h = Math.round(seconds / 3600);
    return h / 24 + " d" + (h % 24 == 0 ? "" : " " + h % 24 + " h");
  }

  /** A share (0..1) as a percentage with two decimals: "5.08%"; {@link #NONE} for NaN. */
  public static String percent(double share) {
    if (share > 0 && share < 0.00005) {
      return "<0.01%"; // not 0.00%: some did
    }
    return Double.isFinite(share) ? String.format(Locale.ROOT, "%.2f%%", 100 * share) : NONE;
  }

  /** A count with its share of a total beside it: "983 (5.08%)"; none is "0". */
  public static String countOf(long n, long total) {
    return n == 0 ? "0" : count(n) + " (" + percent(total == 0 ? 0 : (double) n / total) + ")";
  }

  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Dollars and cents: "$1,234.56"; "unknown" when the price is not known (NaN). */
  public static String usd(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "$%,.2f", v) : "unknown";
  }

  /** A figure with two decimals: "9.75". */
  public static String hours(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.2f", v) : NONE;
  }

  /** "1 instance", "2 instances". */
  public static String plural(long n, String one, String many) {
    return count(n) + " " + (n == 1 ? one : many);
  }

  private static final Pattern LONG_DECIMAL = Pattern.compile("(?<![\\w.:])(-?\\d+)\\.(\\d{3,})");

  /**
   * A reason for reading: numbers with more than two decimals (a metric's raw float, such as
   * "breach 43.08687150833334") rounded to two, "43.09"; everything else as it was.
   */
  public static String readable(String text) {
    if (text == null) {
      return "";
    }
    Matcher m = LONG_DECIMAL.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      double v = Double.parseDouble(m.group(1) + "." + m.group(2));
      String r = String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
      m.appendReplacement(b, Matcher.quoteReplacement(r));
    }
    m.appendTail(b);
    return b.toString();
  }

  /**
   * A number without binary noise for JSON: 9.749999999999995 becomes 9.75 (12 significant digits
   * are far beyond what any figure here measures, and far below a double's noise).
   */
  public static double exact(double v) {
    if (!Double.isFinite(v) || v == 0) {
      return v;
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(12, java.math.RoundingMode.HALF_EVEN))
        .doubleValue();
  }

  /**
   * JSON has no NaN: a figure that does not exist (no request succeeded) is written as null;
   * doubles lose their binary noise ({@link #exact}).
   */
  public static JsonNode forJson(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode v = o.get(name);
        if (v.isFloatingPointNumber()) {
          double d = v.doubleValue();
          if (Double.isFinite(d)) {
            o.put(name, exact(d));
          } else {
            o.putNull(name);
          }
        } else {
          forJson(v);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        if (v.isFloatingPointNumber()) {
          double d = v.doubleValue();
          if (Double.isFinite(d)) {
            a.set(i, a.numberNode(exact(d)));
          } else {
            a.setNull(i);
          }
        } else {
          forJson(v);
        }
      }
    }
    return node;
  }
}

package dev.copyscale.scaling.arbiter;

import java.util.List;
import java.util.Locale;

/** Numbers and lists as a decision log prints them. */
final class Words {
  private Words() {}

  /** {@code 1} for 1.0, {@code 1.5} for 1.5. */
  static String number(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : String.format(Locale.ROOT, "%s", x);
  }

  /** {@code $7.09/h}. */
  static String dollarsAnHour(double usd) {
    return String.format(Locale.ROOT, "$%.2f/h", usd);
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  static String and(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }

  /** {@code 1st}, {@code 2nd}, {@code 3rd}, {@code 11th}. */
  static String ordinal(int n) {
    int lastTwo = n % 100;
    String suffix =
        lastTwo >= 11 && lastTwo <= 13
            ? "th"
            : switch (n % 10) {
              case 1 -> "st";
              case 2 -> "nd";
              case 3 -> "rd";
              default -> "th";
            };
    return n + suffix;
  }
}

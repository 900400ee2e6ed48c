package dev.copyscale.cli.report;

/**
 * The few drawing primitives a {@link Chart} needs, in chart pixels (origin top left). One chart
 * layout is painted onto an SVG canvas for the HTML page and onto a Java2D canvas for the PNGs.
 */
interface Canvas {
  enum Anchor {
    START,
    MIDDLE,
    END
  }

  void rect(double x, double y, double w, double h, String fill);

  /** An open polyline; {@code dash} null for a solid line. */
  void polyline(double[] xs, double[] ys, String color, double width, float[] dash);

  void dot(double x, double y, double r, String color);

  /** Text with its baseline at y; {@code vertical} turns it to read bottom to top around (x, y). */
  void text(
      double x,
      double y,
      String text,
      double size,
      Anchor anchor,
      boolean bold,
      String color,
      boolean vertical);

  /**
   * A vertical tick at x from y1 to y2 that says {@code title} (an SVG tooltip; the PNG has no room
   * for it).
   */
  default void mark(double x, double y1, double y2, String color, double width, String title) {
    line(x, y1, x, y2, color, width, null);
  }

  /**
   * A point of a scatter plot that says {@code title} (an SVG tooltip), classed {@code kind} in the
   * SVG so the page's readers (and its browser test) can find it.
   */
  default void point(double x, double y, double r, String color, String title, String kind) {
    dot(x, y, r, color);
  }

  default void line(
      double x1, double y1, double x2, double y2, String color, double width, float[] dash) {
    polyline(new double[] {x1, x2}, new double[] {y1, y2}, color, width, dash);
  }
}

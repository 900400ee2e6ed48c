package dev.copyscale.cli.report;

import java.util.Locale;

/** Paints a chart as inline SVG markup (no external references, all text escaped). */
final class SvgCanvas implements Canvas {
  private final StringBuilder svg = new StringBuilder();

  SvgCanvas(int width, int height, String label, String kind) {
    svg.append("<svg class=\"")
        .append(kind)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" width=\"100%\" role=\"img\" aria-label=\"")
        .append(Report.escape(label))
        .append("\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n");
  }

  @Override
  public void rect(double x, double y, double w, double h, String fill) {
    svg.append("<rect x=\"")
        .append(n(x))
        .append("\" y=\"")
        .append(n(y))
        .append("\" width=\"")
        .append(n(w))
        .append("\" height=\"")
        .append(n(h))
        .append("\" fill=\"")
        .append(fill)
        .append("\"/>\n");
  }

  @Override
  public void polyline(double[] xs, double[] ys, String color, double width, float[] dash) {
    svg.append("<polyline fill=\"none\" stroke=\"")
        .append(color)
        .append("\" stroke-width=\"")
        .append(n(width))
        .append("\" stroke-linejoin=\"round\"");
    if (dash != null) {
      svg.append(" stroke-dasharray=\"");
      for (int i = 0; i < dash.length; i++) {
        svg.append(i == 0 ? "" : " ").append(n(dash[i]));
      }
      svg.append('"');
    }
    svg.append(" points=\"");
    for (int i = 0; i < xs.length; i++) {
      svg.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
    }
    svg.append("\"/>\n");
  }

  @Override
  public void mark(double x, double y1, double y2, String color, double width, String title) {
    svg.append("<line class=\"decision\" x1=\"")
        .append(n(x))
        .append("\" y1=\"")
        .append(n(y1))
        .append("\" x2=\"")
        .append(n(x))
        .append("\" y2=\"")
        .append(n(y2))
        .append("\" stroke=\"")
        .append(color)
        .append("\" stroke-width=\"")
        .append(n(width))
        .append("\"><title>")
        .append(Report.escape(title))
        .append("</title></line>\n");
  }

  @Override
  public void point(double x, double y, double r, String color, String title, String kind) {
    svg.append("<circle class=\"")
        .append(kind)
        .append("\" cx=\"")
        .append(n(x))
        .append("\" cy=\"")
        .append(n(y))
        .append("\" r=\"")
        .append(n(r))
        .append("\" fill=\"")
        .append(color)
        .append("\"><title>")
        .append(Report.escape(title))
        .append("</title></circle>\n");
  }

  @Override
  public void dot(double x, double y, double r, String color) {
    svg.append("<circle cx=\"")
        .append(n(x))
        .append("\" cy=\"")
        .append(n(y))
        .append("\" r=\"")
        .append(n(r))
        .append("\" fill=\"")
        .append(color)
        .append("\"/>\n");
  }

  @Override
  public void text(
      double x,
      double y,
      String text,
      double size,
      Anchor anchor,
      boolean bold,
      String color,
      boolean vertical) {
    svg.append("<text x=\"")
        .append(n(x))
        .append("\" y=\"")
        .append(n(y))
        .append("\" font-size=\"")
        .append(n(size))
        .append("\" fill=\"")
        .append(color)
        .append('"');
    if (anchor != Anchor.START) {
      svg.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
    }
    if (bold) {
      svg.append(" font-weight=\"bold\"");
    }
    if (vertical) {
      svg.append(" transform=\"rotate(-90 ").append(n(x)).append(' ').append(n(y)).append(")\"");
    }
    svg.append('>').append(Report.escape(text)).append("</text>\n");
  }

  String finish() {
    return svg.append("</svg>\n").toString();
  }

  private static String n(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}

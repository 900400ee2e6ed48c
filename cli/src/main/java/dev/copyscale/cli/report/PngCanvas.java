package dev.copyscale.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** Paints a chart with Java2D onto an image {@code scale} times the chart's size (headless). */
final class PngCanvas implements Canvas {
  private final BufferedImage image;
  private final Graphics2D g;

  PngCanvas(int width, int height, int scale) {
    image = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.scale(scale, scale);
  }

  @Override
  public void rect(double x, double y, double w, double h, String fill) {
    g.setColor(Color.decode(fill));
    g.fill(new Rectangle2D.Double(x, y, w, h));
  }

  @Override
  public void polyline(double[] xs, double[] ys, String color, double width, float[] dash) {
    Path2D.Double path = new Path2D.Double();
    path.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      path.lineTo(xs[i], ys[i]);
    }
    g.setColor(Color.decode(color));
    g.setStroke(
        new BasicStroke(
            (float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
    g.draw(path);
  }

  @Override
  public void dot(double x, double y, double r, String color) {
    g.setColor(Color.decode(color));
    g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
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
    Font font =
        new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size);
    g.setFont(font);
    g.setColor(Color.decode(color));
    FontMetrics metrics = g.getFontMetrics();
    double w = metrics.getStringBounds(text, g).getWidth();
    double dx = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? -w / 2 : -w;
    AffineTransform saved = g.getTransform();
    g.translate(x, y);
    if (vertical) {
      g.rotate(-Math.PI / 2);
    }
    g.drawString(text, (float) dx, 0f);
    g.setTransform(saved);
  }

  BufferedImage finish() {
    g.dispose();
    return image;
  }
}

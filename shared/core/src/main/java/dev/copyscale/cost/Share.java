package dev.copyscale.cost;

import java.math.BigDecimal;

/**
 * A part of the endpoint's cost over an interval, exact to {@link CostSplit#SCALE} decimal places.
 *
 * @param acceleratorHours accelerators held times hours
 * @param usd dollars
 */
public record Share(BigDecimal acceleratorHours, BigDecimal usd) {
  static final Share ZERO = new Share(CostSplit.zero(), CostSplit.zero());

  /** This part and {@code other} together. */
  public Share plus(Share other) {
    return new Share(acceleratorHours.add(other.acceleratorHours), usd.add(other.usd));
  }
}

package dev.copyscale.slo;

/**
 * A figure minute by minute, oldest first, read where it is needed: engine slo's decisions read a
 * few dozen of the two weeks of minutes a history holds, so the rest are never worked out.
 */
public interface Minutes {
  int length();

  double at(int minute);

  /** The minutes of an array (not copied: the array must not change while they are read). */
  static Minutes of(double[] values) {
    return new Minutes() {
      @Override
      public int length() {
        return values.length;
      }

      @Override
      public double at(int minute) {
        return values[minute];
      }
    };
  }
}

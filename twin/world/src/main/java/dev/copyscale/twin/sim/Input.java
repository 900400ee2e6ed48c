package dev.copyscale.twin.sim;

/**
 * One input a simulation's figures rest on, and where it comes from, so the report can say which
 * figures were measured and which were assumed.
 */
public record Input(String figure, String value, Provenance provenance, String source) {
  public enum Provenance {
    /** Measured on real systems (the serving table, the trace, a published AWS figure). */
    MEASURED,
    /** Documented by AWS (a limit or a behaviour), not measured here. */
    DOCUMENTED,
    /** From the spec under test. */
    SPEC,
    /** Assumed where AWS or the data publishes no figure; settable by a flag or the spec. */
    ASSUMED
  }
}

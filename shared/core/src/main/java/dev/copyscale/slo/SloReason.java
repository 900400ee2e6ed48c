package dev.copyscale.slo;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The words of engine slo's decisions (docs/slo.md, "Explanations"): what the change is, the load
 * that asks for it, and the plan, with figures rounded for reading.
 */
final class SloReason {
  private SloReason() {}

  /** The load's part when it needs more copies than are asked for. */
  static String adding(Demand d, SloCapacity cap, OptionalInt period) {
    String s = fmt(d.present()) + " requests in flight now";
    if (d.forecast() > d.present()) {
      s +=
          ", "
              + fmt(d.forecast())
              + " expected within "
              + cap.leadMinutes()
              + " min (the pattern every "
              + minutes(period.getAsInt())
              + ")";
    }
    Rise rise = d.rise();
    if (rise.rising() && d.ahead() > Math.max(d.present(), d.forecast())) {
      s +=
          ", rising "
              + fmt(rise.increase() / Math.min(rise.minutes(), cap.leadMinutes()))
              + " a minute over the last "
              + minutes(rise.minutes())
              + ": "
              + fmt(d.ahead())
              + " expected within "
              + Math.min(rise.minutes(), cap.leadMinutes())
              + " min (a rise taken to last as long again, up to the "
              + cap.leadMinutes()
              + " min new capacity takes)";
    }
    if (d.overload().isPresent()) {
      int byModel =
          Math.max(
              cap.copiesFor(d.ahead(), d.perCopy()), cap.copiesForPeak(d.inFlight(), d.perCopy()));
      return overloaded(d.overload().get()) + s + " need " + byModel;
    }
    return s + " need " + d.copiesUp();
  }

  /** The prefix when the copies were past what they can serve. */
  static String overloaded(Overload o) {
    return "the copies are overloaded ("
        + fmt(o.failed())
        + " of "
        + fmt(o.invocations())
        + " requests failed in the last minute, and the "
        + fmt(o.inFlight())
        + " in flight outlast the "
        + fmt(o.completed())
        + " its "
        + fmt(o.copies())
        + (o.copies() == 1 ? " copy" : " copies")
        + " completed, past the 60 s invocation timeout): every copy the bounds allow until calm"
        + " minutes show what a copy carries; the serving model says ";
  }

  /** The load's part when an instance goes. */
  static String releasing(Demand d, SloCapacity cap, OptionalInt period) {
    return d.byPattern()
        ? "the pattern every "
            + minutes(period.getAsInt())
            + " foretold the last "
            + cap.windowMinutes()
            + " min; the last "
            + d.lookBack()
            + " min and the next "
            + Demand.RELEASE_HORIZON_LEAD_TIMES * cap.leadMinutes()
            + " min need at most "
            + fmt(d.holdDemand())
            + " requests in flight: "
            + d.copiesHold()
        : "the "
            + cap.windowMinutes()
            + "-minute peak"
            + (d.forecast() > d.windowPeak() ? " and the pattern ahead" : "")
            + " of "
            + fmt(d.holdDemand())
            + " requests in flight needs "
            + d.copiesHold();
  }

  /**
   * The load's part when the instances asked for stay. A peak of the window needing more than the
   * load now and ahead says so apart: a peak keeps capacity, it does not add it.
   */
  static String holding(Demand d, SloCapacity cap) {
    if (d.copiesHold() > d.copiesUp()) {
      return fmt(d.holdDemand())
          + " requests in flight at the "
          + (d.byPattern() ? d.lookBack() + "-minute" : cap.windowMinutes() + "-minute")
          + " peak would need "
          + d.copiesHold()
          + " (a peak keeps capacity, it does not add it); now and ahead "
          + fmt(d.upDemand())
          + " need "
          + d.copiesUp();
    }
    return fmt(Math.max(d.holdDemand(), d.upDemand()))
        + " requests in flight at the "
        + (d.byPattern()
            ? d.lookBack()
                + "-minute peak or in the pattern's next "
                + Demand.RELEASE_HORIZON_LEAD_TIMES * cap.leadMinutes()
                + " min"
            : cap.windowMinutes()
                + "-minute peak"
                + (d.forecast() > d.windowPeak() ? " or expected ahead" : ""))
        + " need "
        + Math.max(d.copiesHold(), d.copiesUp());
  }

  /** The prefix when refused requests bring copies back. */
  static String refused(Demand d) {
    return fmt(d.refused())
        + " requests were refused for want of a copy (NoCapacityInvocationFailures); ";
  }

  /** "1 instance", "3 copies": {@code n} of the engine's units. */
  static String units(SloCapacity cap, int n) {
    return cap.unit() == SloCapacity.Unit.COPY
        ? n + (n == 1 ? " copy" : " copies")
        : n + (n == 1 ? " instance" : " instances");
  }

  /**
   * What the change is, from the copies decided against those asked for (a shared endpoint's engine
   * wishes copies, so it never fills an instance: it always adds).
   */
  static String verb(int copies, int asked, boolean adding, boolean refused, int held) {
    if (copies > asked) {
      return adding || refused
          ? "adding"
          : held == 1 ? "filling the instance held" : "filling the instances held";
    }
    return copies < asked ? "releasing" : "holding";
  }

  /**
   * The serving model planned with and what the copies taught about it: "llama3 on 1 x A10G
   * (measured), requests taking 1.3x its times (median of 45 calm min; last hour 1.5x, +15 %,
   * planned with)".
   */
  static String serving(SloCapacity cap, RequestSize.Learnt learnt) {
    String s =
        cap.profile().name().replace(" (derived)", "")
            + " ("
            + cap.objective().model().source().name().toLowerCase(Locale.ROOT)
            + ")";
    if (learnt.longRun().isEmpty()) {
      return s;
    }
    s +=
        ", requests taking "
            + String.format(Locale.ROOT, "%.2f", learnt.longRun().getAsDouble())
            + "x its times (median of "
            + learnt.samples()
            + " calm min";
    if (learnt.drift().isPresent()) {
      s +=
          String.format(
              Locale.ROOT,
              "; last hour %.2fx, %+.0f %%%s",
              learnt.recent().getAsDouble(),
              learnt.drift().getAsDouble() * 100,
              learnt.followsRecent() ? ", planned with" : "");
    }
    return s + "; " + learnt.describePrompts() + ")";
  }

  /** The whole explanation. */
  static String sentence(
      String verb,
      String why,
      double perCopy,
      SloCapacity cap,
      RequestSize.Learnt learnt,
      int held,
      int copies,
      List<String> notes,
      ObjectiveWindow window,
      double work) {
    return verb
        + ": "
        + why
        + " copies at "
        + fmt(perCopy)
        + " per copy for "
        + objective(cap, work)
        + " on "
        + serving(cap, learnt)
        + ": "
        + (cap.unit() == SloCapacity.Unit.COPY
            ? "wishes "
                + copies
                + (copies == 1 ? " copy" : " copies")
                + " (a component of a shared endpoint wishes copies, not whole instances: the"
                + " arbiter places every component's copies and decides the instances)"
            : held
                + " instance"
                + (held == 1 ? "" : "s")
                + " of "
                + cap.copiesPerInstance()
                + ", "
                + copies
                + " copies")
        + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")")
        + "; objective "
        + window.describe();
  }

  /**
   * The objective and the requests it is planned for: "TTFT <= 2000 ms at 99% of requests
   * (99th-percentile prompt 4.1x and output 4.7x the median)".
   */
  static String objective(SloCapacity cap, double work) {
    String s =
        cap.objective().describe() + " at " + fmt(cap.slo().attainment() * 100) + "% of requests";
    if (!cap.plansTail()) {
      return s + " (of the table's request shape: no model or GPU figures to plan its tail)";
    }
    return s
        + " ("
        + cap.sizes()
        + (cap.tailUnreachable(work)
            ? "; those requests miss it even alone on a copy, so no number of copies meets it"
            : "")
        + ")";
  }

  static String minutes(int m) {
    return m % 1440 == 0 ? (m / 1440) + " d" : m % 60 == 0 ? (m / 60) + " h" : m + " min";
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}

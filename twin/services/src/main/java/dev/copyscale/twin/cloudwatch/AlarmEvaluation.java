package dev.copyscale.twin.cloudwatch;

import java.util.ArrayList;
import java.util.List;

/**
 * One metric alarm evaluation over its evaluation range, as CloudWatch documents it in "How alarm
 * state is evaluated when data is missing" and "Avoiding premature transitions to alarm state":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 * (formerly AlarmThatSendsEmail.html#alarms-evaluating-missing-data; text as of
 * awsdocs/amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md, 2023-05-17).
 *
 * <ul>
 *   <li>At least N (EvaluationPeriods) real datapoints in the range: the N most recent real ones
 *       decide; missing data treatment is not used.
 *   <li>Fewer: every real datapoint in the range is evaluated, and as few missing ones as needed to
 *       make N are filled per TreatMissingData (breaching / notBreaching).
 *   <li>missing: no real datapoint is INSUFFICIENT_DATA; otherwise M breaching real ones are ALARM,
 *       a non-breaching real one is OK, and if every real one is breaching the alarm goes to ALARM
 *       only when the oldest of them is at least M datapoints old (the premature-alarm rule), else
 *       INSUFFICIENT_DATA.
 *   <li>ignore: as missing, but where missing gives INSUFFICIENT_DATA or a premature-rule ALARM the
 *       current state is retained.
 * </ul>
 *
 * The documented tables decide where the prose is loose: "0 - X - -" with 2 out of 3 and missing is
 * OK, so a non-breaching real datapoint rules out the premature ALARM even when it is older.
 */
public final class AlarmEvaluation {
  /** How many datapoints CloudWatch looks at beyond EvaluationPeriods; the docs give 5 for 3. */
  public static final int EXTRA_RANGE = 2;

  private AlarmEvaluation() {}

  /**
   * @param state ALARM, OK or INSUFFICIENT_DATA; null when the current state is retained (ignore)
   * @param evaluated positions in the range (0 = newest) that the decision used, newest first
   * @param filled how many of {@code evaluated} are missing datapoints
   */
  public record Result(String state, List<Integer> evaluated, int filled) {}

  /**
   * @param values the evaluation range, newest first; NaN where the datapoint is missing
   * @param n EvaluationPeriods
   * @param m DatapointsToAlarm
   */
  public static Result evaluate(
      double[] values,
      int n,
      int m,
      String comparisonOperator,
      double threshold,
      String treatMissingData) {
    List<Integer> real = new ArrayList<>();
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      (Double.isNaN(values[i]) ? missing : real).add(i);
    }
    if (real.size() >= n) {
      List<Integer> evaluated = real.subList(0, n);
      return new Result(
          breaching(values, evaluated, comparisonOperator, threshold) >= m ? "ALARM" : "OK",
          List.copyOf(evaluated),
          0);
    }
    int fill = n - real.size();
    List<Integer> evaluated = new ArrayList<>(real);
    evaluated.addAll(missing.subList(0, Math.min(fill, missing.size())));
    evaluated.sort(null);
    int realBreaching = breaching(values, real, comparisonOperator, threshold);
    String treatment = treatMissingData == null ? "missing" : treatMissingData;
    switch (treatment) {
      case "breaching":
        return new Result(realBreaching + fill >= m ? "ALARM" : "OK", evaluated, fill);
      case "notBreaching":
        return new Result(realBreaching >= m ? "ALARM" : "OK", evaluated, fill);
      case "missing":
      case "ignore":
        boolean ignore = treatment.equals("ignore");
        if (real.isEmpty()) {
          return new Result(ignore ? null : "INSUFFICIENT_DATA", evaluated, fill);
        }
        if (realBreaching >= m) {
          return new Result("ALARM", evaluated, fill);
        }
        if (realBreaching < real.size()) {
          return new Result("OK", evaluated, fill);
        }
        // Every real datapoint breaches: ALARM once the oldest is M datapoints old (position M-1).
        if (real.get(real.size() - 1) >= m - 1) {
          return new Result(ignore ? null : "ALARM", evaluated, fill);
        }
        return new Result(ignore ? null : "INSUFFICIENT_DATA", evaluated, fill);
      default:
        throw new IllegalArgumentException(
            "TreatMissingData "
                + treatment
                + " is not one of breaching, notBreaching, ignore, missing");
    }
  }

  private static int breaching(
      double[] values, List<Integer> positions, String op, double threshold) {
    int count = 0;
    for (int i : positions) {
      if (breaches(op, values[i], threshold)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Whether a value breaches the threshold under the comparison operator (the rule copyscale's step
   * scaling uses too).
   */
  public static boolean breaches(String comparisonOperator, double value, double threshold) {
    return dev.copyscale.spec.Comparison.byAwsName(comparisonOperator)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "comparison operator "
                        + comparisonOperator
                        + " is not supported; use GreaterThanOrEqualToThreshold,"
                        + " GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold"))
        .breaches(value, threshold);
  }

  /** The operator as CloudWatch's reason text words it ("greater than or equal to"). */
  public static String words(String comparisonOperator) {
    return switch (comparisonOperator) {
      case "GreaterThanOrEqualToThreshold" -> "greater than or equal to";
      case "GreaterThanThreshold" -> "greater than";
      case "LessThanThreshold" -> "less than";
      case "LessThanOrEqualToThreshold" -> "less than or equal to";
      default -> comparisonOperator;
    };
  }
}

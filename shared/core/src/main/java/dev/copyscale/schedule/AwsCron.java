package dev.copyscale.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A cron expression as EventBridge Scheduler reads it: six fields, {@code minutes hours
 * day-of-month month day-of-week year}, with {@code ?}, {@code L}, {@code W} and {@code #}, day of
 * week 1-7 = SUN-SAT, and one of day-of-month or day-of-week set to {@code ?}. That is the Quartz
 * syntax without its seconds field, so the expression is parsed as Quartz with seconds fixed at 0.
 */
public final class AwsCron {
  private static final CronParser QUARTZ =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

  private final String expression;
  private final ExecutionTime executionTime;

  private AwsCron(String expression, Cron cron) {
    this.expression = expression;
    this.executionTime = ExecutionTime.forCron(cron);
  }

  /**
   * Parses {@code 0 8 ? * MON-FRI *} or {@code cron(0 8 ? * MON-FRI *)}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static AwsCron parse(String text) {
    String expression = text.trim();
    if (expression.startsWith("cron(") && expression.endsWith(")")) {
      expression = expression.substring(5, expression.length() - 1).trim();
    }
    String[] fields = expression.split("\\s+");
    if (fields.length != 6) {
      throw new IllegalArgumentException(
          "needs 6 fields (minutes hours day-of-month month day-of-week year), got "
              + fields.length);
    }
    if (!fields[2].equals("?") && !fields[4].equals("?")) {
      throw new IllegalArgumentException(
          "one of day-of-month (field 3) and day-of-week (field 5) must be '?'");
    }
    try {
      return new AwsCron(expression, QUARTZ.parse("0 " + expression));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public String expression() {
    return expression;
  }

  /** The first occurrence strictly after {@code after}, in {@code after}'s time zone. */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    return executionTime.nextExecution(after);
  }

  /** The last occurrence strictly before {@code before}, in {@code before}'s time zone. */
  public Optional<ZonedDateTime> previous(ZonedDateTime before) {
    return executionTime.lastExecution(before);
  }

  @Override
  public String toString() {
    return "cron(" + expression + ")";
  }
}

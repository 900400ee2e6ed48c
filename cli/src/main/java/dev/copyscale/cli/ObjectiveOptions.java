package dev.copyscale.cli;

import dev.copyscale.cli.report.Objective;
import dev.copyscale.twin.sim.ServingEngine;
import dev.copyscale.twin.sim.Simulation;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The objective configurations are judged by (simulate's and frontier's options). */
final class ObjectiveOptions {
  @Option(
      names = "--slo-ttft",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "time-to-first-token objective (default: 2s)")
  Duration sloTtft = Duration.ofSeconds(2);

  @Option(
      names = "--slo-itl",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "time-per-output-token objective, after the first token (default: none); with it a"
              + " request meets the objective only if it meets both")
  Duration sloItl;

  @Option(
      names = "--slo-attainment",
      paramLabel = "PERCENT",
      description =
          "the share of requests that must meet --slo-ttft for a configuration to meet the"
              + " objective (default: 99%%)")
  String sloAttainment = "99%";

  /**
   * The objective the options state.
   *
   * @throws CommandLine.ParameterException naming the option that is not one
   */
  Objective objective(CommandSpec command) {
    if (sloItl != null && (sloItl.isZero() || sloItl.isNegative())) {
      throw new CommandLine.ParameterException(
          command.commandLine(), "--slo-itl must be above zero, got " + sloItl);
    }
    return new Objective(sloTtft.toMillis(), itlMs(), attainment(command));
  }

  /** --slo-itl in milliseconds, 0 without one. */
  double itlMs() {
    return sloItl == null ? 0 : sloItl.toNanos() / 1e6;
  }

  /** The simulator's options: {@code seed}, {@code objective}, SageMaker's invocation timeout. */
  static Simulation.Options simulation(long seed, Objective objective) {
    return new Simulation.Options(
        seed,
        objective.ttftMs(),
        objective.itlMs(),
        objective.attainment(),
        ServingEngine.Options.SAGEMAKER_TIMEOUT);
  }

  /**
   * A percentage as a share: "99%", "99.9" and "0.99" are all 0.99 (a number at most 1 is a share);
   * NaN for what is not a number.
   */
  static double share(String text) {
    String t = text.trim();
    boolean percent = t.endsWith("%");
    double v;
    try {
      v = Double.parseDouble(percent ? t.substring(0, t.length() - 1).trim() : t);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    return percent || v > 1 ? v / 100 : v;
  }

  /** --slo-attainment as a share. */
  private double attainment(CommandSpec command) {
    double share = share(sloAttainment);
    if (!(share > 0 && share <= 1)) {
      throw new CommandLine.ParameterException(
          command.commandLine(),
          "--slo-attainment must be a percentage above 0 and at most 100, such as 99%, got "
              + sloAttainment);
    }
    return share;
  }
}

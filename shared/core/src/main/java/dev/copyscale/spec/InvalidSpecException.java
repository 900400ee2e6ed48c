package dev.copyscale.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that failed validation; the message lists every problem with its field path. */
public final class InvalidSpecException extends RuntimeException {
  private final List<Problem> problems;

  public InvalidSpecException(List<Problem> problems) {
    super(
        "invalid copyscale spec ("
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + "):\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}

package dev.copyscale.spec;

import java.util.ArrayList;
import java.util.List;

/** Collects problems while a spec is read and checked, so that all are reported at once. */
final class Problems {
  private final List<Problem> list = new ArrayList<>();

  void add(String path, String message) {
    list.add(new Problem(path, message));
  }

  /** Whether a problem was already reported at this path or below it (rules then stay quiet). */
  boolean at(String path) {
    return list.stream()
        .anyMatch(
            p ->
                p.path().equals(path)
                    || p.path().startsWith(path + ".")
                    || p.path().startsWith(path + "["));
  }

  /** Whether any of the paths has a problem. */
  boolean atAny(String... paths) {
    for (String path : paths) {
      if (at(path)) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<Problem> list() {
    return List.copyOf(list);
  }
}

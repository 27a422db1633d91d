package org.switchman.process;

import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Helpers for expressions in the diagrams, e.g. the multi-instance collection
 * {@code ${runVariables.list(sections)}}: variables hold plain text, never serialized Java objects.
 */
@Component("runVariables")
public class RunVariables {

  /** A comma-separated text as a list, blanks dropped. */
  public List<String> list(String csv) {
    return split(csv);
  }

  /** {@link #list} for Java callers. */
  public static List<String> split(String csv) {
    return csv == null || csv.isBlank() ? List.of()
        : Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}

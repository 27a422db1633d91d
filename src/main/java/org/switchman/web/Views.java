package org.switchman.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Formatting helpers for the page templates, as {@code ${@views.time(…)}}. */
@Component("views")
public class Views {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** Output longer than this, or on more than one line, is collapsed on the report. */
  public static final int SHORT_OUTPUT = 160;

  public String time(Instant at) {
    return at == null ? "" : TIME.format(at);
  }

  public String duration(Long millis) {
    return millis == null ? "" : duration(Duration.ofMillis(millis));
  }

  public String duration(Duration duration) {
    if (duration == null) {
      return "";
    }
    long millis = Math.abs(duration.toMillis());
    String sign = duration.isNegative() ? "-" : "";
    if (millis < 1_000) {
      return sign + millis + " ms";
    }
    if (millis < 60_000) {
      return sign + String.format("%.2f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    return sign
        + (seconds >= 3600 ? seconds / 3600 + " h " : "")
        + (seconds % 3600) / 60
        + " min "
        + seconds % 60
        + " s";
  }

  public boolean isLong(String output) {
    return output != null && (output.length() > SHORT_OUTPUT || output.strip().contains("\n"));
  }

  public String firstLine(String output) {
    if (output == null) {
      return "";
    }
    String line = output.strip().lines().findFirst().orElse("");
    return line.length() > SHORT_OUTPUT ? line.substring(0, SHORT_OUTPUT) + "…" : line;
  }

  /** Cockpit's page of a process instance. */
  public String cockpit(String runId) {
    return "/camunda/app/cockpit/default/#/process-instance/" + runId + "/runtime";
  }

  /** Tasklist's page of a task. */
  public String tasklist(String taskId) {
    return "/camunda/app/tasklist/default/#/?task=" + taskId;
  }
}

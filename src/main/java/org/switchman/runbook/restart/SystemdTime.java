package org.switchman.runbook.restart;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The timestamps systemd prints on the hosts, read the same way everywhere they are read. */
public final class SystemdTime {

  private static final DateTimeFormatter SYSTEMD_TIME =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private SystemdTime() {}

  /**
   * A systemd timestamp as {@code systemctl show} prints it: {@code Tue 2026-12-01 17:24:32 UTC},
   * or {@code @1764609872} with {@code --timestamp=unix}; {@code null} when empty or unreadable.
   */
  public static Instant parse(String value) {
    if (value.isEmpty()) {
      return null;
    }
    try {
      if (value.startsWith("@")) {
        return Instant.ofEpochSecond(Long.parseLong(value.substring(1)));
      }
      int zone = value.lastIndexOf(' ');
      return LocalDateTime.parse(value.substring(0, zone), SYSTEMD_TIME)
          .atZone(ZoneId.of(value.substring(zone + 1), ZoneId.SHORT_IDS))
          .toInstant();
    } catch (DateTimeException | NumberFormatException | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  /** The value of a {@code systemctl show -p PROPERTY} line ({@code PROPERTY=value}), parsed. */
  public static Instant ofProperty(String line) {
    String text = line.strip();
    return parse(text.substring(text.indexOf('=') + 1).strip());
  }
}

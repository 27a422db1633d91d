package org.switchman.runbook.restart;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many hosts of a cluster restart at once: a count ({@code 2}) or a share of the cluster
 * ({@code 10%}, at least one host), never above the catalogue's maximum.
 *
 * @param value the count, or the percentage
 * @param percent whether {@code value} is a percentage of the hosts
 */
public record BatchSize(int value, boolean percent) {

  private static final Pattern FORM = Pattern.compile("(\\d{1,3})(%?)");

  /**
   * @throws IllegalArgumentException for a count below 1 or a percentage outside 1–100
   */
  public BatchSize {
    if (value < 1 || (percent && value > 100)) {
      throw new IllegalArgumentException(
          percent
              ? "a batch share must be from 1% to 100%, not " + value + "%"
              : "a batch must hold at least one host, not " + value);
    }
  }

  /**
   * Reads {@code 2} or {@code 10%}.
   *
   * @throws IllegalArgumentException naming the text when it is neither
   */
  public static BatchSize parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a batch size: a count such as 2 or a share such as 10%");
    }
    return new BatchSize(Integer.parseInt(m.group(1)), !m.group(2).isEmpty());
  }

  /** The number of hosts per batch for a cluster of {@code hosts}, capped at {@code max}. */
  public int hostsOf(int hosts, int max) {
    int wanted = percent ? (int) Math.ceil(hosts * value / 100.0) : value;
    return Math.max(1, Math.min(Math.min(wanted, max), Math.max(hosts, 1)));
  }

  @Override
  public String toString() {
    return value + (percent ? "%" : "");
  }
}

package org.switchman.runbook.discovery;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a {@code discovery-datacenter} run does to one discovery service: the sites where it is
 * pooled before, and after. An active/passive service whose new site is ambiguous (the datacenter
 * it is depooled from has several other sites) has no {@code after} yet, but the {@code choices} an
 * operator picks from ({@link #choose}).
 *
 * @param service e.g. {@code aqs}
 * @param kind active/active or active/passive
 * @param before the sites where it is pooled when the run planned it
 * @param after the sites where it will be pooled; empty while a choice is pending
 * @param choices the sites an operator chooses among; empty when nothing is to be chosen
 */
public record PoolingChange(
    String service,
    Kind kind,
    SortedSet<String> before,
    SortedSet<String> after,
    SortedSet<String> choices) {

  /** How a discovery service is served. */
  public enum Kind {
    /** Served from every pooled site at once; pool or depool adds or removes one. */
    ACTIVE_ACTIVE("active/active"),
    /** Served from one site; pool or depool moves it. */
    ACTIVE_PASSIVE("active/passive");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public PoolingChange {
    before = sorted(before);
    after = sorted(after);
    choices = sorted(choices);
  }

  /** Whether the run changes this service at all. */
  public boolean changes() {
    return !before.equals(after) || pendingChoice();
  }

  /** Whether an operator must still choose where the service goes. */
  public boolean pendingChoice() {
    return after.isEmpty() && !choices.isEmpty();
  }

  /**
   * This change with the operator's choice of site.
   *
   * @throws IllegalArgumentException when {@code site} is not one of the choices
   */
  public PoolingChange choose(String site) {
    if (!choices.contains(site)) {
      throw new IllegalArgumentException(
          site + " is not one of " + service + "'s sites to choose from " + choices);
    }
    return new PoolingChange(service, kind, before, sorted(java.util.List.of(site)), choices);
  }

  /**
   * Whether the change takes the service out of a site it is pooled in, or may (a pending move).
   */
  public boolean depoolsAnySite() {
    return pendingChoice() || !after.containsAll(before);
  }

  /** The change that undoes this one: from its {@code after} back to its {@code before}. */
  public PoolingChange undone() {
    return new PoolingChange(service, kind, after, before, sorted(java.util.List.of()));
  }

  /** For example {@code aqs (active/active): pooled in codfw, eqiad → eqiad}. */
  public String describe() {
    String to =
        pendingChoice()
            ? "one of " + String.join(", ", choices) + ", chosen by an operator"
            : names(after);
    return service
        + " ("
        + kind.label()
        + "): pooled in "
        + names(before)
        + (before.equals(after) ? ", unchanged" : " → " + to);
  }

  /** One line that {@link #decode} reads back: the run keeps each change as it is planned. */
  public String encode() {
    return String.join(
        ";",
        service,
        kind.name(),
        String.join(",", before),
        String.join(",", after),
        String.join(",", choices));
  }

  public static PoolingChange decode(String line) {
    String[] parts = line.split(";", -1);
    if (parts.length != 5) {
      throw new IllegalArgumentException("not a pooling change: " + line);
    }
    return new PoolingChange(
        parts[0], Kind.valueOf(parts[1]), sites(parts[2]), sites(parts[3]), sites(parts[4]));
  }

  private static SortedSet<String> sites(String text) {
    return text.isEmpty() ? sorted(java.util.List.of()) : sorted(Arrays.asList(text.split(",")));
  }

  static SortedSet<String> sorted(Collection<String> sites) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(sites));
  }

  private static String names(SortedSet<String> sites) {
    return sites.isEmpty() ? "no datacenter" : String.join(", ", sites);
  }
}

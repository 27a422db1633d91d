package org.switchman.runbook.restart;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.InvalidRequestException;

/**
 * The service catalogue: per service, how it is restarted ({@link ServicePolicy}). Designers keep
 * it as a decision table ({@code processes/service-catalogue.dmn}), one rule per service and one
 * column per field of {@link #COLUMNS}; this class takes the table's rows as text and refuses the
 * whole catalogue, naming every problem, unless each row is complete and in range and names only
 * checks ({@link HostCheck}) and drains ({@link Drain}) that exist.
 */
public final class ServiceCatalogue {

  /** The columns of a row: the input {@code service}, then the outputs. */
  public static final List<String> COLUMNS =
      List.of(
          "service",
          "clusters",
          "units",
          "depoolFrom",
          "batchSize",
          "batchMax",
          "grace",
          "drain",
          "pause",
          "preChecks",
          "readiness",
          "readinessLimit",
          "postChecks",
          "maxFailedBatches",
          "approval",
          "notify");

  public static final int MAX_BATCH = 100;
  public static final Duration MAX_GRACE = Duration.ofMinutes(10);
  public static final Duration MAX_PAUSE = Duration.ofHours(1);
  public static final Duration MAX_READINESS = Duration.ofHours(6);
  public static final int MAX_FAILED_BATCHES = 10;

  /**
   * The most units, conftool services and checks of each kind a row may list: the steps on a host
   * send at most units × checks commands, which bounds how long a step can run ({@code
   * process.jobs.StepDeadlines}).
   */
  public static final int MAX_LISTED = 4;

  /** The most conftool clusters a service may span. */
  public static final int MAX_CLUSTERS = 8;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /**
   * One rule of the table, as text.
   *
   * @param number its position in the table, from 1, for messages
   * @param values the text of each column, by column name
   */
  public record Row(int number, Map<String, String> values) {
    public Row {
      values = Map.copyOf(values);
    }
  }

  private final Map<String, ServicePolicy> policies;

  private ServiceCatalogue(Map<String, ServicePolicy> policies) {
    this.policies = policies;
  }

  /**
   * Checks every row and builds the catalogue.
   *
   * @throws InvalidCatalogueException naming every problem of every row
   */
  public static ServiceCatalogue of(List<Row> rows) {
    List<String> problems = new ArrayList<>();
    Map<String, ServicePolicy> policies = new LinkedHashMap<>();
    if (rows.isEmpty()) {
      problems.add("it has no rule");
    }
    for (Row row : rows) {
      RowReader reader = new RowReader(row, problems);
      ServicePolicy policy = reader.policy();
      if (policy != null && policies.putIfAbsent(policy.service(), policy) != null) {
        problems.add(reader.where() + "'" + policy.service() + "' has a rule already");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidCatalogueException(problems);
    }
    return new ServiceCatalogue(Map.copyOf(policies));
  }

  /** Every policy, by service name. */
  public Map<String, ServicePolicy> policies() {
    return policies;
  }

  /**
   * The policy of a service an operator named.
   *
   * @param runbook the runbook asking, for the message
   * @throws InvalidRequestException when the catalogue has no such service, listing those it has
   */
  public ServicePolicy policy(String runbook, String service) {
    ServicePolicy policy = service == null ? null : policies.get(service.strip());
    if (policy == null) {
      throw new InvalidRequestException(
          runbook,
          List.of(
              "service '"
                  + EchoedInput.shortened(service == null ? "" : service.strip(), 64)
                  + "' is not in the service catalogue; it has "
                  + policies.keySet().stream().sorted().toList()));
    }
    return policy;
  }

  /** Reads one row, adding a problem (prefixed with the row) for each value that does not hold. */
  private static final class RowReader {
    private final Row row;
    private final List<String> problems;
    private final int before;

    RowReader(Row row, List<String> problems) {
      this.row = row;
      this.problems = problems;
      this.before = problems.size();
    }

    String where() {
      String service = row.values().getOrDefault("service", "").strip();
      return "rule "
          + row.number()
          + (service.isEmpty() ? "" : " (" + abbreviated(service) + ")")
          + ": ";
    }

    ServicePolicy policy() {
      for (String column : COLUMNS) {
        if (!row.values().containsKey(column)) {
          problem("the column " + column + " is missing");
        }
      }
      for (String column : row.values().keySet()) {
        if (!COLUMNS.contains(column)) {
          problem("the column " + column + " is not one of " + COLUMNS);
        }
      }
      if (problems.size() > before) {
        return null;
      }
      String service = name("service", text("service"));
      List<String> clusters = names("clusters", 1, MAX_CLUSTERS);
      List<String> units = list("units", 1, MAX_LISTED);
      for (String unit : units) {
        if (!ServicePolicy.UNIT.matcher(unit).matches()) {
          problem("units: '" + unit + "' is not a systemd unit name");
        }
      }
      List<String> depoolFrom = names("depoolFrom", 0, MAX_LISTED);
      int batchMax = number("batchMax", 1, MAX_BATCH);
      BatchSize batchSize = null;
      try {
        batchSize = BatchSize.parse(text("batchSize"));
        if (!batchSize.percent() && batchMax > 0 && batchSize.value() > batchMax) {
          problem("batchSize " + batchSize + " is above batchMax " + batchMax);
        }
      } catch (IllegalArgumentException e) {
        problem("batchSize: " + e.getMessage());
      }
      Duration grace = duration("grace", MAX_GRACE);
      Drain drain = named("drain", Drain::named, Drain.names());
      Duration pause = duration("pause", MAX_PAUSE);
      List<HostCheck> preChecks = checks("preChecks");
      List<HostCheck> readiness = checks("readiness");
      Duration readinessLimit = duration("readinessLimit", MAX_READINESS);
      if (!readiness.isEmpty() && Duration.ZERO.equals(readinessLimit)) {
        problem("readinessLimit is PT0S, so its readiness checks could never be waited for");
      }
      List<HostCheck> postChecks = checks("postChecks");
      int maxFailedBatches = number("maxFailedBatches", 0, MAX_FAILED_BATCHES);
      boolean approval = bool("approval");
      String notify = text("notify");
      if (!notify.isEmpty()) {
        name("notify", notify);
      }
      if (problems.size() > before) {
        return null;
      }
      return new ServicePolicy(
          service,
          clusters,
          units,
          depoolFrom,
          batchSize,
          batchMax,
          grace,
          drain,
          pause,
          preChecks,
          readiness,
          readinessLimit,
          postChecks,
          maxFailedBatches,
          approval,
          notify);
    }

    private void problem(String what) {
      problems.add(where() + what);
    }

    private String text(String column) {
      String value = row.values().get(column);
      return value == null ? "" : value.strip();
    }

    private String name(String column, String value) {
      if (!NAME.matcher(value).matches()) {
        problem(
            column
                + " '"
                + abbreviated(value)
                + "' is not a name (lower-case letters, digits, - and _)");
      }
      return value;
    }

    private List<String> list(String column, int atLeast, int atMost) {
      String value = text(column);
      List<String> items =
          value.isEmpty()
              ? List.of()
              : Arrays.stream(value.split(","))
                  .map(String::strip)
                  .filter(s -> !s.isEmpty())
                  .toList();
      if (items.size() < atLeast) {
        problem(column + " is empty");
      }
      if (items.size() > atMost) {
        problem(column + " lists " + items.size() + " items; at most " + atMost);
      }
      return items;
    }

    private List<String> names(String column, int atLeast, int atMost) {
      List<String> items = list(column, atLeast, atMost);
      items.forEach(item -> name(column, item));
      return items;
    }

    private List<HostCheck> checks(String column) {
      List<HostCheck> checks = new ArrayList<>();
      for (String name : list(column, 0, MAX_LISTED)) {
        Optional<HostCheck> check = HostCheck.named(name);
        if (check.isEmpty()) {
          problem(
              column
                  + " names the unknown check '"
                  + abbreviated(name)
                  + "'; the checks are "
                  + HostCheck.names());
        } else {
          checks.add(check.get());
        }
      }
      return checks;
    }

    private <T> T named(String column, Function<String, Optional<T>> lookup, List<String> known) {
      Optional<T> found = lookup.apply(text(column));
      if (found.isEmpty()) {
        problem(
            column + " '" + abbreviated(text(column)) + "' is unknown; it may be one of " + known);
      }
      return found.orElse(null);
    }

    private int number(String column, int min, int max) {
      try {
        int value = Integer.parseInt(text(column));
        if (value < min || value > max) {
          problem(column + " must be from " + min + " to " + max + ", not " + value);
        }
        return value;
      } catch (NumberFormatException e) {
        problem(column + " '" + abbreviated(text(column)) + "' is not a whole number");
        return -1;
      }
    }

    private Duration duration(String column, Duration max) {
      try {
        Duration value = Duration.parse(text(column));
        if (value.isNegative() || value.compareTo(max) > 0) {
          problem(column + " must be from PT0S to " + max + ", not " + value);
        }
        return value;
      } catch (DateTimeParseException e) {
        problem(
            column
                + " '"
                + abbreviated(text(column))
                + "' is not an ISO-8601 duration such as PT30S");
        return Duration.ZERO;
      }
    }

    private boolean bool(String column) {
      String value = text(column);
      if (!value.equals("true") && !value.equals("false")) {
        problem(column + " must be true or false, not '" + abbreviated(value) + "'");
      }
      return value.equals("true");
    }

    private static String abbreviated(String text) {
      return EchoedInput.shortened(text, 64);
    }
  }
}

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

  /** The columns of a host profile: the input {@code cluster}, then the outputs. */
  public static final List<String> HOST_PROFILE_COLUMNS =
      List.of(
          "cluster",
          "depoolFrom",
          "units",
          "filesystemUnits",
          "recovery",
          "bootLimit",
          "recoveryLimit",
          "startAttempts",
          "restartAfter",
          "restartElsewhere",
          "smokeTest",
          "grace",
          "downtime",
          "approval");

  /**
   * The most units a host profile lists, and the most starts one unit gets: they bound how long a
   * reboot's steps can run ({@code process.jobs.StepDeadlines}).
   */
  public static final int MAX_HOST_UNITS = 12;

  public static final int MAX_START_ATTEMPTS = 5;
  public static final Duration MIN_BOOT_LIMIT = Duration.ofMinutes(1);
  public static final Duration MAX_BOOT_LIMIT = Duration.ofHours(2);
  public static final Duration MAX_RECOVERY = Duration.ofHours(6);
  public static final Duration MAX_DOWNTIME = Duration.ofHours(24);

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
  private final Map<String, HostProfile> hostProfiles;

  private ServiceCatalogue(
      Map<String, ServicePolicy> policies, Map<String, HostProfile> hostProfiles) {
    this.policies = policies;
    this.hostProfiles = hostProfiles;
  }

  /** A catalogue without host profiles. */
  public static ServiceCatalogue of(List<Row> rows) {
    return of(rows, List.of());
  }

  /**
   * Checks every row and builds the catalogue.
   *
   * @param rows the services' rules
   * @param profileRows the host profiles' rules, one per cluster ({@link #HOST_PROFILE_COLUMNS})
   * @throws InvalidCatalogueException naming every problem of every row
   */
  public static ServiceCatalogue of(List<Row> rows, List<Row> profileRows) {
    List<String> problems = new ArrayList<>();
    Map<String, ServicePolicy> policies = new LinkedHashMap<>();
    if (rows.isEmpty()) {
      problems.add("it has no rule");
    }
    for (Row row : rows) {
      RowReader reader = new RowReader(row, "service", problems);
      ServicePolicy policy = reader.policy();
      if (policy != null && policies.putIfAbsent(policy.service(), policy) != null) {
        problems.add(reader.where() + "'" + policy.service() + "' has a rule already");
      }
    }
    Map<String, HostProfile> profiles = new LinkedHashMap<>();
    for (Row row : profileRows) {
      RowReader reader = new RowReader(row, "cluster", problems);
      HostProfile profile = reader.hostProfile();
      if (profile != null && profiles.putIfAbsent(profile.cluster(), profile) != null) {
        problems.add(reader.where() + "'" + profile.cluster() + "' has a host profile already");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidCatalogueException(problems);
    }
    return new ServiceCatalogue(Map.copyOf(policies), Map.copyOf(profiles));
  }

  /** Every host profile, by conftool cluster. */
  public Map<String, HostProfile> hostProfiles() {
    return hostProfiles;
  }

  /**
   * The host profile of a cluster.
   *
   * @param runbook the runbook asking, for the message
   * @param host the host, for the message
   * @throws InvalidRequestException when the catalogue has no profile for the cluster, listing
   *     those it has
   */
  public HostProfile hostProfile(String runbook, String host, String cluster) {
    HostProfile profile = hostProfiles.get(cluster);
    if (profile == null) {
      throw new InvalidRequestException(
          runbook,
          List.of(
              host
                  + " is in the conftool cluster '"
                  + cluster
                  + "', which has no host profile in the service catalogue; profiles exist for "
                  + hostProfiles.keySet().stream().sorted().toList()));
    }
    return profile;
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
    private final String key;
    private final List<String> problems;
    private final int before;

    RowReader(Row row, String key, List<String> problems) {
      this.row = row;
      this.key = key;
      this.problems = problems;
      this.before = problems.size();
    }

    String where() {
      String name = row.values().getOrDefault(key, "").strip();
      return (key.equals("service") ? "rule " : "host profile ")
          + row.number()
          + (name.isEmpty() ? "" : " (" + abbreviated(name) + ")")
          + ": ";
    }

    private boolean complete(List<String> columns) {
      for (String column : columns) {
        if (!row.values().containsKey(column)) {
          problem("the column " + column + " is missing");
        }
      }
      for (String column : row.values().keySet()) {
        if (!columns.contains(column)) {
          problem("the column " + column + " is not one of " + columns);
        }
      }
      return problems.size() == before;
    }

    HostProfile hostProfile() {
      if (!complete(HOST_PROFILE_COLUMNS)) {
        return null;
      }
      String cluster = name("cluster", text("cluster"));
      List<String> depoolFrom = names("depoolFrom", 0, MAX_LISTED);
      List<String> units = list("units", 1, MAX_HOST_UNITS);
      for (String unit : units) {
        if (!ServicePolicy.UNIT.matcher(unit).matches()) {
          problem("units: '" + unit + "' is not a systemd unit name");
        }
      }
      List<String> filesystemUnits = subset("filesystemUnits", units);
      FilesystemRecovery recovery =
          named("recovery", FilesystemRecovery::named, FilesystemRecovery.names());
      Duration bootLimit = duration("bootLimit", MAX_BOOT_LIMIT);
      if (bootLimit.compareTo(MIN_BOOT_LIMIT) < 0) {
        problem("bootLimit must be at least " + MIN_BOOT_LIMIT + ", not " + bootLimit);
      }
      Duration recoveryLimit = duration("recoveryLimit", MAX_RECOVERY);
      Map<String, Integer> startAttempts = new LinkedHashMap<>();
      for (String item : list("startAttempts", 0, MAX_HOST_UNITS)) {
        String[] parts = item.split(":", -1);
        Integer attempts = parts.length == 2 ? attempts(parts[1].strip()) : null;
        if (attempts == null || !units.contains(parts[0].strip())) {
          problem(
              "startAttempts: '"
                  + abbreviated(item)
                  + "' is not UNIT:STARTS with a unit of the profile and 1 to "
                  + MAX_START_ATTEMPTS
                  + " starts");
        } else {
          startAttempts.put(parts[0].strip(), attempts);
        }
      }
      List<String> restartAfter = subset("restartAfter", units);
      List<HostProfile.Dependent> elsewhere = new ArrayList<>();
      for (String item : list("restartElsewhere", 0, MAX_CLUSTERS)) {
        String[] parts = item.split(":", -1);
        if (parts.length != 2
            || !NAME.matcher(parts[0].strip()).matches()
            || !ServicePolicy.UNIT.matcher(parts[1].strip()).matches()) {
          problem("restartElsewhere: '" + abbreviated(item) + "' is not CLUSTER:UNIT");
        } else {
          elsewhere.add(new HostProfile.Dependent(parts[0].strip(), parts[1].strip()));
        }
      }
      List<HostCheck> smokeTest = checks("smokeTest");
      if (smokeTest.isEmpty() && text("smokeTest").isEmpty()) {
        problem("smokeTest is empty: a rebooted host is repooled only after a check says so");
      }
      Duration grace = duration("grace", MAX_GRACE);
      Duration downtime = duration("downtime", MAX_DOWNTIME);
      if (downtime.compareTo(bootLimit.plus(recoveryLimit)) < 0) {
        problem(
            "downtime "
                + downtime
                + " is shorter than bootLimit and recoveryLimit together: the host would page"
                + " while it is still expected to be down");
      }
      boolean approval = bool("approval");
      if (problems.size() > before) {
        return null;
      }
      return new HostProfile(
          cluster,
          depoolFrom,
          units,
          filesystemUnits,
          recovery,
          bootLimit,
          recoveryLimit,
          startAttempts,
          restartAfter,
          elsewhere,
          smokeTest,
          grace,
          downtime,
          approval);
    }

    private Integer attempts(String text) {
      try {
        int value = Integer.parseInt(text);
        return value >= 1 && value <= MAX_START_ATTEMPTS ? value : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private List<String> subset(String column, List<String> units) {
      List<String> items = list(column, 0, MAX_HOST_UNITS);
      for (String item : items) {
        if (!units.contains(item)) {
          problem(column + ": '" + abbreviated(item) + "' is not one of the profile's units");
        }
      }
      return items;
    }

    ServicePolicy policy() {
      if (!complete(COLUMNS)) {
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

package org.switchman.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.config.EtcdProperties;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabTopology;
import org.switchman.process.restart.ServiceCatalogueTable;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.RemoteExecutor;
import org.switchman.runbook.port.RunbookLock;
import org.switchman.runbook.restart.HostRestart;
import org.switchman.runbook.restart.HostRestart.PoolSlot;
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.RollingRestartRequest;
import org.switchman.runbook.restart.ServiceCatalogue;
import org.switchman.runbook.restart.ServicePolicy;
import org.switchman.support.ThrowawayPostgres;

/**
 * {@code scripts/bench rolling-restart}: a rolling restart of the application servers of both
 * datacenters of a 1,000-host lab fleet, in batches of 50 with a 1 s grace and no pause between
 * batches, run by the engine as an operator would start it, and the same per-host calls made
 * directly from Java with the same batching (the hosts of a batch in parallel threads, batches one
 * after another), as the baseline. Engine and direct runs alternate, dry-run and live. Prints the
 * wall times, their ratio, the CPU each run used, and the engine database's growth per 1,000 hosts.
 */
public final class RollingRestartBenchmark {

  private static final String SERVICE = "appserver";
  private static final int BATCH = 50;
  private static final Duration GRACE = Duration.ofSeconds(1);

  /** Engine and direct runs of each mode, alternating; {@code -Dbench.rounds=N}. */
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 1);

  /** The modes measured, {@code -Dbench.modes=dry-run} for one: both by default. */
  private static final List<String> MODES =
      List.of(System.getProperty("bench.modes", "dry-run,live").split(","));

  /**
   * The engine's database: {@code h2} (the default, as the demo runs) or {@code postgres}, a
   * throwaway PostgreSQL cluster under the build directory with the {@code postgres} profile, as
   * production runs ({@code -Dbench.database=postgres}).
   */
  private static final String DATABASE = System.getProperty("bench.database", "h2");

  /**
   * Hosts of a dry-run through the engine and directly before the measured runs, not counted, so
   * that neither side is measured while the JVM compiles its code: all of them by default, since
   * the engine's first run of all hosts after a 100-host warm-up used twice the CPU of its second
   * ({@code -Dbench.warm-up-hosts=N} for fewer, at most as many as a {@code hosts} list holds, 0
   * for none).
   */
  private static final int WARM_UP_HOSTS =
      Integer.getInteger("bench.warm-up-hosts", Integer.MAX_VALUE);

  private RollingRestartBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> settings =
        new ArrayList<>(List.of("--switchman.lab.fleet-size=" + LabConfig.BENCHMARK_FLEET_SIZE));
    if (!DATABASE.equals("h2") && !DATABASE.equals("postgres")) {
      throw new IllegalArgumentException("bench.database is h2 or postgres, not " + DATABASE);
    }
    try (ThrowawayPostgres postgres =
        DATABASE.equals("postgres") ? ThrowawayPostgres.start() : null) {
      if (postgres != null) {
        settings.add("--spring.profiles.active=lab,postgres");
        postgres.settings().forEach((name, value) -> settings.add("--" + name + "=" + value));
      }
      BenchApp bench =
          BenchApp.start(
              args, "bench-rolling-restart-", "127.62", 9500, settings.toArray(String[]::new));
      try (ConfigurableApplicationContext app = bench.app()) {
        measure(bench.data(), app);
      }
    }
  }

  /** The warm-up, then the measured rounds, then the figures. */
  private static void measure(Path data, ConfigurableApplicationContext app) throws Exception {
    byte[] catalogue = benchCatalogue();
    app.getBean(RepositoryService.class)
        .createDeployment()
        .name("bench-service-catalogue")
        .addInputStream("service-catalogue.dmn", new ByteArrayInputStream(catalogue))
        .deploy();
    ServiceCatalogue policies = ServiceCatalogueTable.read(new ByteArrayInputStream(catalogue));
    System.out.printf(
        "SSH connections to every host opened first, for both: %d ms%n",
        connectToEveryHost(app, policies).toMillis());
    if (WARM_UP_HOSTS > 0) {
      List<String> all =
          RestartPlan.of(
                  request(policies, ExecutionMode.DRY_RUN, ""),
                  app.getBean(Conftool.class),
                  LabTopology.DATACENTERS)
              .hosts()
              .stream()
              .map(RestartPlan.Host::fqdn)
              .toList();
      // all hosts as the measured runs name them (none given); a list of some of them otherwise
      String some = WARM_UP_HOSTS >= all.size() ? "" : hostList(all, WARM_UP_HOSTS);
      CpuMeter warmUpCpu = CpuMeter.read();
      long[] warmUp = engineRun(app, ExecutionMode.DRY_RUN, some);
      String warmUpUsed = warmUpCpu.usedSince();
      System.out.printf(
          "warm-up, not counted: engine %d ms (%s), direct %d ms for %d hosts in dry-run%n",
          warmUp[0],
          warmUpUsed,
          directRun(app, policies, ExecutionMode.DRY_RUN, some).toMillis(),
          warmUp[1]);
    }
    String etcd = app.getBean(EtcdProperties.class).endpoints().get(0);
    Map<String, List<Long>> engine = new HashMap<>();
    Map<String, List<Long>> direct = new HashMap<>();
    List<String> growth = new ArrayList<>();
    int hosts = 0;
    for (int round = 0; round < ROUNDS; round++) {
      for (ExecutionMode mode :
          List.of(ExecutionMode.DRY_RUN, ExecutionMode.LIVE).stream()
              .filter(m -> MODES.contains(m.value()))
              .toList()) {
        Map<String, Long> rowsBefore = rowCounts(app);
        long bytesBefore = databaseBytes(app, data);
        System.out.printf("round %d, %s: engine run%n", round + 1, mode.value());
        CpuMeter engineCpu = CpuMeter.read();
        EtcdRequests engineEtcd = EtcdRequests.read(etcd);
        long[] run = engineRun(app, mode, "");
        String engineUsed = engineCpu.usedSince() + "; " + engineEtcd.receivedSince();
        hosts = (int) run[1];
        engine.computeIfAbsent(mode.value(), m -> new ArrayList<>()).add(run[0]);
        growth.add(
            growth(
                mode, hosts, rowsBefore, rowCounts(app), databaseBytes(app, data) - bytesBefore));
        System.out.printf(
            "round %d, %s: engine %d ms for %d hosts, %s; direct run%n",
            round + 1, mode.value(), run[0], hosts, engineUsed);
        CpuMeter directCpu = CpuMeter.read();
        EtcdRequests directEtcd = EtcdRequests.read(etcd);
        long directMillis = directRun(app, policies, mode, "").toMillis();
        direct.computeIfAbsent(mode.value(), m -> new ArrayList<>()).add(directMillis);
        System.out.printf(
            "round %d, %s: direct %d ms, %s; %s%n",
            round + 1,
            mode.value(),
            directMillis,
            directCpu.usedSince(),
            directEtcd.receivedSince());
      }
    }
    System.out.printf(
        "== rolling-restart benchmark: %s, %d hosts, batches of %d, grace %d s, no pause, on %s"
            + " ==%n",
        SERVICE, hosts, BATCH, GRACE.toSeconds(), DATABASE);
    for (String mode : engine.keySet().stream().sorted().toList()) {
      long e = engine.get(mode).stream().mapToLong(Long::longValue).min().orElseThrow();
      long d = direct.get(mode).stream().mapToLong(Long::longValue).min().orElseThrow();
      System.out.printf(
          "%-7s engine %6.1f s (runs %s ms), direct Java calls %6.1f s (runs %s ms),"
              + " ratio %.2f (target <= 1.10)%n",
          mode, e / 1000.0, engine.get(mode), d / 1000.0, direct.get(mode), (double) e / d);
      if (engine.get(mode).size() > 1) {
        // the machine's load drifts over a benchmark: each engine run against the direct run
        // right after it, as well as the best against the best
        List<Double> pairs = new ArrayList<>();
        for (int round = 0; round < engine.get(mode).size(); round++) {
          pairs.add((double) engine.get(mode).get(round) / direct.get(mode).get(round));
        }
        System.out.printf(
            "%-7s each round's engine run over its direct run: %s, median %.2f%n",
            mode,
            pairs.stream().map(ratio -> String.format("%.2f", ratio)).toList(),
            Median.of(pairs));
      }
    }
    growth.forEach(System.out::println);
  }

  /** The shipped catalogue with the application servers' batches at 50, a 1 s grace, no pause. */
  private static byte[] benchCatalogue() throws Exception {
    String dmn;
    try (InputStream in = Files.newInputStream(Path.of("processes/service-catalogue.dmn"))) {
      dmn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String bench =
        replaced(
            replaced(
                replaced(
                    dmn,
                    "OutputEntry_Appserver_BatchMax\">\n          <text>10</text>",
                    "OutputEntry_Appserver_BatchMax\">\n          <text>" + BATCH + "</text>"),
                "OutputEntry_Appserver_Grace\">\n          <text>&quot;PT3S&quot;",
                "OutputEntry_Appserver_Grace\">\n          <text>&quot;" + GRACE + "&quot;"),
            "OutputEntry_Appserver_Pause\">\n          <text>&quot;PT30S&quot;",
            "OutputEntry_Appserver_Pause\">\n          <text>&quot;PT0S&quot;");
    return bench.getBytes(StandardCharsets.UTF_8);
  }

  private static String replaced(String text, String from, String to) {
    if (!text.contains(from)) {
      throw new IllegalStateException("the catalogue no longer has " + from);
    }
    return text.replace(from, to);
  }

  /** One run through the engine; returns its wall time (ms, from history) and its host count. */
  private static long[] engineRun(
      ConfigurableApplicationContext app, ExecutionMode mode, String hosts)
      throws InterruptedException {
    RuntimeService runtime = app.getBean(RuntimeService.class);
    IdentityService identity = app.getBean(IdentityService.class);
    HistoryService history = app.getBean(HistoryService.class);
    Map<String, Object> vars = new HashMap<>();
    vars.put("service", SERVICE);
    vars.put("dc", RollingRestartRequest.ALL_DATACENTERS);
    vars.put("hosts", hosts);
    vars.put("batchSize", Integer.toString(BATCH));
    vars.put("action", "restart");
    vars.put("mode", mode.value());
    vars.put("reason", "benchmark");
    vars.put("ticket", "T0");
    identity.setAuthentication("alice", List.of("operators"));
    String run;
    try {
      run = runtime.startProcessInstanceByKey(RollingRestartRequest.RUNBOOK, vars).getId();
    } finally {
      identity.clearAuthentication();
    }
    for (int i = 0; i < 7_200; i++) {
      HistoricProcessInstance done =
          history
              .createHistoricProcessInstanceQuery()
              .processInstanceId(run)
              .finished()
              .singleResult();
      if (done != null) {
        if (!"COMPLETED".equals(done.getState())) {
          throw new IllegalStateException("run " + run + " ended " + done.getState());
        }
        long restarted =
            history
                .createHistoricActivityInstanceQuery()
                .processInstanceId(run)
                .activityId("ServiceTask_RestartUnits")
                .finished()
                .count();
        System.out.println(batchPhases(history, run));
        System.out.printf(
            "  job attempts that failed and ran again: %d%n",
            history.createHistoricJobLogQuery().processInstanceId(run).failureLog().count());
        awaitLocksReleased(app);
        return new long[] {done.getEndTime().getTime() - done.getStartTime().getTime(), restarted};
      }
      if (i % 60 == 59) {
        System.out.printf(
            "  engine %s: %d hosts repooled or left after %d s%n",
            mode.value(),
            history
                .createHistoricActivityInstanceQuery()
                .processInstanceId(run)
                .activityId("Event_HostDone")
                .finished()
                .count(),
            (i + 1) / 2);
      }
      // a look every 0.5 s: often enough for the wall time (from the history, not from here),
      // rarely enough to stay out of the engine's way
      Thread.sleep(500);
    }
    throw new IllegalStateException("run " + run + " did not finish within an hour");
  }

  /** The steps whose last end in each batch {@link #batchPhases} reports, in the batch's order. */
  private static final List<String> BATCH_STEPS =
      List.of(
          "ServiceTask_ChooseBatchHosts",
          "ServiceTask_CheckHostBeforeRestart",
          "ServiceTask_DepoolHost",
          "Timer_Grace",
          "ServiceTask_RestartUnits",
          "ServiceTask_CheckHostReadiness",
          "ServiceTask_RepoolHost",
          "Event_HostDone",
          "ServiceTask_ReviewBatch",
          "Timer_PauseBetweenBatches");

  /**
   * Where the engine's run spent its time: from the run's start to its first batch, then for each
   * step of a batch the median (over batches) of when its last host ended, from the batch's start,
   * and the median batch from start to start.
   */
  private static String batchPhases(HistoryService history, String run) {
    List<HistoricActivityInstance> steps =
        history.createHistoricActivityInstanceQuery().processInstanceId(run).list();
    List<Long> batchStarts =
        steps.stream()
            .filter(step -> step.getActivityId().equals(BATCH_STEPS.get(0)))
            .map(step -> step.getStartTime().getTime())
            .sorted()
            .toList();
    HistoricProcessInstance whole =
        history.createHistoricProcessInstanceQuery().processInstanceId(run).singleResult();
    if (batchStarts.isEmpty()) {
      return "  no batch";
    }
    StringBuilder text =
        new StringBuilder(
            String.format(
                "  %d batches; first batch %d ms after the start; median ms from a batch's start:",
                batchStarts.size(), batchStarts.get(0) - whole.getStartTime().getTime()));
    for (String activity : BATCH_STEPS) {
      List<Long> lastEnds = new ArrayList<>(java.util.Collections.nCopies(batchStarts.size(), 0L));
      for (HistoricActivityInstance step : steps) {
        if (step.getActivityId().equals(activity) && step.getEndTime() != null) {
          long start = step.getStartTime().getTime();
          int batch = 0;
          while (batch + 1 < batchStarts.size() && batchStarts.get(batch + 1) <= start) {
            batch++;
          }
          lastEnds.set(
              batch,
              Math.max(lastEnds.get(batch), step.getEndTime().getTime() - batchStarts.get(batch)));
        }
      }
      text.append(' ')
          .append(activity.substring(activity.indexOf('_') + 1))
          .append(' ')
          .append(Median.of(lastEnds));
    }
    List<Long> lengths = new ArrayList<>();
    for (int batch = 0; batch + 1 < batchStarts.size(); batch++) {
      lengths.add(batchStarts.get(batch + 1) - batchStarts.get(batch));
    }
    if (lengths.isEmpty()) {
      lengths.add(0L); // a single batch: none from start to start
    }
    return text.append("; batch to batch ").append(Median.of(lengths)).toString();
  }

  /**
   * Runs the pre-checks on every host once, so that both the engine and the direct runs find an SSH
   * connection open to each host (the executor keeps them) and neither pays the handshakes.
   */
  private static Duration connectToEveryHost(
      ConfigurableApplicationContext app, ServiceCatalogue catalogue) throws Exception {
    Conftool conftool = app.getBean(Conftool.class);
    HostRestart restart =
        new HostRestart(app.getBean(RemoteExecutor.class), conftool, Duration.ofSeconds(30));
    RollingRestartRequest request = request(catalogue, ExecutionMode.DRY_RUN, "");
    ExecutorService pool = Executors.newFixedThreadPool(BATCH);
    Instant start = Instant.now();
    try {
      List<Future<?>> hosts = new ArrayList<>();
      for (RestartPlan.Host host :
          RestartPlan.of(request, conftool, LabTopology.DATACENTERS).hosts()) {
        hosts.add(
            pool.submit(
                () -> restart.failedChecks(request.policy().preChecks(), request.policy(), host)));
      }
      for (Future<?> host : hosts) {
        host.get();
      }
      return Duration.between(start, Instant.now());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The request both sides run: all the service's hosts, or the {@code hosts} given. */
  private static RollingRestartRequest request(
      ServiceCatalogue catalogue, ExecutionMode mode, String hosts) {
    return RollingRestartRequest.parse(
        SERVICE,
        RollingRestartRequest.ALL_DATACENTERS,
        hosts,
        Integer.toString(BATCH),
        "restart",
        mode.value(),
        "benchmark",
        "T0",
        catalogue,
        LabTopology.DATACENTERS);
  }

  /** Waits until the ended run has given its locks back, so that the next run can take them. */
  private static void awaitLocksReleased(ConfigurableApplicationContext app)
      throws InterruptedException {
    RunbookLock locks = app.getBean(RunbookLock.class);
    for (int i = 0; i < 300 && !locks.locks().isEmpty(); i++) {
      Thread.sleep(1000);
    }
  }

  /**
   * The first {@code count} hosts as a {@code hosts} list, or as many of them as the list's {@value
   * RollingRestartRequest#MAX_HOSTS_TEXT} characters hold (about 200 of the lab's names): a longer
   * list is refused at the start.
   */
  static String hostList(List<String> hosts, int count) {
    StringJoiner list = new StringJoiner(",");
    int listed = 0;
    for (String host : hosts.subList(0, Math.min(count, hosts.size()))) {
      if (list.length() + 1 + host.length() > RollingRestartRequest.MAX_HOSTS_TEXT) {
        System.out.printf(
            "warm-up: %d hosts asked for, the first %d fit in a hosts list%n", count, listed);
        break;
      }
      list.add(host);
      listed++;
    }
    return list.toString();
  }

  /** The same run by direct calls to the domain, with the same batching; returns its wall time. */
  private static Duration directRun(
      ConfigurableApplicationContext app,
      ServiceCatalogue catalogue,
      ExecutionMode mode,
      String hosts)
      throws Exception {
    Conftool conftool = app.getBean(Conftool.class);
    HostRestart restart =
        new HostRestart(app.getBean(RemoteExecutor.class), conftool, Duration.ofSeconds(30));
    RollingRestartRequest request = request(catalogue, mode, hosts);
    ServicePolicy policy = request.policy();
    RunContext run =
        new RunContext(
            "bench-direct-" + Instant.now().toEpochMilli(), "direct", "bench", mode, "eqiad");
    Duration poll =
        Duration.ofMillis(
            Math.min(30_000L, Math.max(2_000L, policy.readinessLimit().toMillis() / 20)));
    ExecutorService pool = Executors.newFixedThreadPool(BATCH);
    Instant start = Instant.now();
    try {
      RestartPlan plan = RestartPlan.of(request, conftool, LabTopology.DATACENTERS);
      for (RestartPlan.Batch batch : plan.batches()) {
        List<Future<?>> restarts = new ArrayList<>();
        for (RestartPlan.Host host : batch.hosts()) {
          restarts.add(
              pool.submit(
                  () -> {
                    restartOne(restart, run, policy, request.action(), host, poll);
                    return null;
                  }));
        }
        for (Future<?> host : restarts) {
          host.get();
        }
        Thread.sleep(policy.pause().toMillis());
      }
      return Duration.between(start, Instant.now());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void restartOne(
      HostRestart restart,
      RunContext run,
      ServicePolicy policy,
      RollingRestartRequest.Action action,
      RestartPlan.Host host,
      Duration poll)
      throws InterruptedException {
    require(restart.failedChecks(policy.preChecks(), policy, host), host, "pre-checks");
    List<PoolSlot> slots = restart.toDepool(policy, host);
    restart.depool(run, slots);
    Thread.sleep(policy.grace().toMillis());
    restart.drain(run, policy, host);
    restart.restart(run, policy, host, action);
    Instant limit = Instant.now().plus(policy.readinessLimit());
    while (!restart.failedChecks(policy.readiness(), policy, host).isEmpty()) {
      if (Instant.now().isAfter(limit)) {
        throw new IllegalStateException(host.fqdn() + " not ready within the limit");
      }
      Thread.sleep(poll.toMillis());
    }
    require(restart.failedChecks(policy.postChecks(), policy, host), host, "post-checks");
    restart.repool(run, slots);
  }

  private static void require(List<String> failed, RestartPlan.Host host, String what) {
    if (!failed.isEmpty()) {
      throw new IllegalStateException(host.fqdn() + " failed its " + what + ": " + failed);
    }
  }

  /** Rows per table of the engine's and Switchman's schema. */
  private static Map<String, Long> rowCounts(ConfigurableApplicationContext app) throws Exception {
    Map<String, Long> rows = new HashMap<>();
    try (Connection connection = app.getBean(DataSource.class).getConnection();
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet found =
          connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
        while (found.next()) {
          String schema = found.getString("TABLE_SCHEM");
          if (!"INFORMATION_SCHEMA".equalsIgnoreCase(schema)) {
            tables.add(schema + "." + found.getString("TABLE_NAME"));
          }
        }
      }
      for (String table : tables) {
        try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
          count.next();
          rows.put(table, count.getLong(1));
        }
      }
    }
    return rows;
  }

  /** The engine database's size on disk: its H2 files, or PostgreSQL's own count. */
  private static long databaseBytes(ConfigurableApplicationContext app, Path data)
      throws Exception {
    if (DATABASE.equals("postgres")) {
      try (Connection connection = app.getBean(DataSource.class).getConnection();
          Statement statement = connection.createStatement();
          ResultSet size = statement.executeQuery("SELECT pg_database_size(current_database())")) {
        size.next();
        return size.getLong(1);
      }
    }
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(file -> file.toString().endsWith(".mv.db"))
          .mapToLong(file -> file.toFile().length())
          .sum();
    }
  }

  private static String growth(
      ExecutionMode mode,
      int hosts,
      Map<String, Long> before,
      Map<String, Long> after,
      long bytes) {
    double per = 1000.0 / Math.max(1, hosts);
    StringBuilder tables = new StringBuilder();
    long total = 0;
    for (var table : after.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      long added = table.getValue() - before.getOrDefault(table.getKey(), 0L);
      total += added;
      if (added >= hosts / 10) {
        tables
            .append(tables.isEmpty() ? "" : ", ")
            .append(table.getKey().substring(table.getKey().indexOf('.') + 1))
            .append(' ')
            .append(Math.round(added * per));
      }
    }
    return String.format(
        "engine database growth per 1,000 hosts, %s: %d rows, %.1f MiB on disk (%s)",
        mode.value(), Math.round(total * per), bytes * per / (1024 * 1024), tables);
  }
}

package org.switchman.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.task.Task;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.process.switchover.SwitchoverSteps;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.switchover.Switchover;
import org.switchman.runbook.switchover.SwitchoverRequest;
import org.switchman.support.Checklists;

/**
 * {@code scripts/bench switchover}: rounds ({@code -Dbench.rounds}, default 5, after {@code
 * -Dbench.warm-up} rounds not counted, default 1) of a live lab switchover eqiad → codfw with 11
 * sections and no in-flight grace, run by the engine as an operator would (approvals given at
 * once), each followed by the same read-only part codfw → eqiad made by calling the domain steps
 * directly from Java (sections in parallel threads), as the baseline. Prints the read-only windows
 * of each round, the median ratio with its spread, phase 3 against its slowest section, and the
 * engine's window step by step: how long each step waited for its job to start after the step
 * before it, and how long it ran.
 *
 * <p>The round not counted comes first because each side's first run loads and compiles the
 * adapters' and the domain's code, which the other side then finds ready: the engine's first run
 * paid for the direct calls' warm-up, and took up to 1.5 times as long as its later runs.
 *
 * <p>Both sides run without the settle wait at the end of phase 4 ({@code
 * switchman.switchover.master-change-settle=PT0S}): in production the window holds that wait, 10 s
 * since the master change began, on top of the engine's and the calls' own time, and a wait of the
 * same length on both sides would hide the engine's overhead in the ratio.
 */
public final class SwitchoverBenchmark {

  private SwitchoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 5);
    int warmUp = Integer.getInteger("bench.warm-up", 1);
    ConfigurableApplicationContext app =
        BenchApp.start(
                args,
                "bench-switchover-",
                "127.61",
                9000,
                "--switchman.lab.discovery-ttl=11s",
                "--switchman.switchover.master-change-settle=PT0S")
            .app();
    try {
      Switchover direct = app.getBean(SwitchoverSteps.class).switchover();
      HistoryService history = app.getBean(HistoryService.class);
      List<Long> engineWindows = new ArrayList<>();
      List<Long> directWindows = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> phase3Ratios = new ArrayList<>();
      Map<String, List<Long>> hopGaps = new java.util.LinkedHashMap<>();
      Map<String, List<Long>> hopSpans = new java.util.LinkedHashMap<>();
      for (int round = -warmUp; round < rounds; round++) {
        String run = engineRun(app, "eqiad", "codfw");
        long window =
            ((Number)
                    history
                        .createHistoricVariableInstanceQuery()
                        .processInstanceId(run)
                        .variableName("readOnlyWindowMillis")
                        .singleResult()
                        .getValue())
                .longValue();
        long baseline = directReadOnlyPart(direct, "codfw", "eqiad").toMillis();
        if (round < 0) {
          System.out.printf(
              "warm-up round (not counted): engine %d ms, direct %d ms%n", window, baseline);
          directSteps.values().forEach(steps -> steps.remove(steps.size() - 1));
          continue;
        }
        engineWindows.add(window);
        directWindows.add(baseline);
        ratios.add((double) window / Math.max(1, baseline));
        phase3Ratios.add(phase3Ratio(history, run));
        hops(history, run)
            .forEach(
                hop -> {
                  hopGaps.computeIfAbsent(hop.steps(), k -> new ArrayList<>()).add(hop.gap());
                  hopSpans.computeIfAbsent(hop.steps(), k -> new ArrayList<>()).add(hop.span());
                });
        System.out.printf(
            "round %d: engine %d ms, direct %d ms, ratio %.2f%n",
            round + 1, window, baseline, ratios.get(round));
      }
      System.out.printf(
          "== switchover benchmark (11 sections, no in-flight grace; %d rounds, engine and direct"
              + " alternating) ==%n",
          rounds);
      System.out.printf(
          "read-only window, engine: median %d ms (runs: %s; target <= 5000 ms)%n",
          Median.of(engineWindows), engineWindows);
      System.out.printf(
          "read-only window, direct Java calls: median %d ms (runs: %s)%n",
          Median.of(directWindows), directWindows);
      System.out.printf(
          "ratio engine / direct: median %.2f, spread %.2f-%.2f (target <= 1.2)%n",
          medianOf(ratios), min(ratios), max(ratios));
      System.out.printf(
          "phase 3 / its slowest section: median %.2f, spread %.2f-%.2f (target <= 1.5)%n",
          medianOf(phase3Ratios), min(phase3Ratios), max(phase3Ratios));
      System.out.println(
          "inside the window, step by step (median ms): the engine's wait before the step (the"
              + " commit before it, the job's acquisition and start), the engine's step, the same"
              + " calls made directly");
      hopGaps.forEach(
          (steps, gaps) ->
              System.out.printf(
                  "  %6d wait  %6d step  %6s direct  %s%n",
                  Median.of(gaps),
                  Median.of(hopSpans.get(steps)),
                  directSteps.containsKey(steps) ? Median.of(directSteps.get(steps)) : "-",
                  steps));
    } finally {
      app.close();
    }
  }

  /** Phase 3 (the lockdown called activity) against its slowest section. */
  private static double phase3Ratio(HistoryService history, String run) {
    long phase =
        history
            .createHistoricActivityInstanceQuery()
            .activityId("CallActivity_SetDbMastersReadOnly")
            .processInstanceId(run)
            .singleResult()
            .getDurationInMillis();
    long slowest =
        history
            .createHistoricActivityInstanceQuery()
            .activityId("ServiceTask_SetOldMasterReadOnly")
            .list()
            .stream()
            .filter(a -> a.getRootProcessInstanceId().equals(run))
            .mapToLong(HistoricActivityInstance::getDurationInMillis)
            .max()
            .orElse(0);
    return (double) phase / Math.max(1, slowest);
  }

  /**
   * One step of the window's critical path: the activity (its instances side by side for the
   * sections), the wait since the step before it ended, and its own span.
   */
  private record Hop(String steps, long gap, long span) {}

  /**
   * The service tasks of the run and its called processes from ReadOnly on to ReadOnly off, one per
   * activity id (the sections' side by side) in the order they started, each with the wait since
   * the latest end before it: the commits, the engine's steps and the jobs' acquisitions between.
   */
  private static List<Hop> hops(HistoryService history, String run) {
    List<HistoricActivityInstance> all = new ArrayList<>();
    List<String> runs = new ArrayList<>(List.of(run));
    history.createHistoricProcessInstanceQuery().superProcessInstanceId(run).list().stream()
        .map(org.camunda.bpm.engine.history.HistoricProcessInstance::getId)
        .forEach(runs::add);
    for (String id : runs) {
      all.addAll(
          history.createHistoricActivityInstanceQuery().processInstanceId(id).finished().list());
    }
    Instant opened = startOf(all, "ServiceTask_SetMediaWikiReadOnly");
    Instant closed = endOf(all, "ServiceTask_SetMediaWikiReadWrite");
    Map<String, Instant[]> spans = new java.util.LinkedHashMap<>();
    all.stream()
        .filter(a -> a.getActivityType().equals("serviceTask"))
        .filter(a -> !a.getStartTime().toInstant().isBefore(opened))
        .filter(a -> !a.getEndTime().toInstant().isAfter(closed))
        .sorted(java.util.Comparator.comparing(HistoricActivityInstance::getStartTime))
        .forEach(
            a -> {
              Instant[] span =
                  spans.computeIfAbsent(
                      a.getActivityId(),
                      k ->
                          new Instant[] {a.getStartTime().toInstant(), a.getEndTime().toInstant()});
              if (a.getEndTime().toInstant().isAfter(span[1])) {
                span[1] = a.getEndTime().toInstant();
              }
            });
    List<Hop> hops = new ArrayList<>();
    Instant previousEnd = opened;
    for (Map.Entry<String, Instant[]> step : spans.entrySet()) {
      Instant start = step.getValue()[0];
      Instant end = step.getValue()[1];
      long gap = Math.max(0, Duration.between(previousEnd, start).toMillis());
      hops.add(new Hop(step.getKey(), gap, Duration.between(start, end).toMillis()));
      if (end.isAfter(previousEnd)) {
        previousEnd = end;
      }
    }
    return hops;
  }

  private static Instant startOf(List<HistoricActivityInstance> all, String activity) {
    return all.stream()
        .filter(a -> a.getActivityId().equals(activity))
        .map(a -> a.getStartTime().toInstant())
        .min(Instant::compareTo)
        .orElseThrow();
  }

  private static Instant endOf(List<HistoricActivityInstance> all, String activity) {
    return all.stream()
        .filter(a -> a.getActivityId().equals(activity))
        .map(a -> a.getEndTime().toInstant())
        .max(Instant::compareTo)
        .orElseThrow();
  }

  private static double medianOf(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  private static String engineRun(ConfigurableApplicationContext app, String from, String to)
      throws InterruptedException {
    RuntimeService runtime = app.getBean(RuntimeService.class);
    IdentityService identity = app.getBean(IdentityService.class);
    TaskService tasks = app.getBean(TaskService.class);
    Map<String, Object> vars = new HashMap<>();
    vars.put("dcFrom", from);
    vars.put("dcTo", to);
    vars.put("mode", "live");
    vars.put("reason", "benchmark");
    vars.put("ticket", "T0");
    vars.put("readOnlyBudget", "PT3M");
    vars.put("inFlightGrace", "PT0S");
    identity.setAuthentication("alice", List.of("operators"));
    String run = runtime.startProcessInstanceByKey("dc-switchover", vars).getId();
    identity.clearAuthentication();
    for (String[] gate :
        new String[][] {
          {"UserTask_GoNoGo", "bob"},
          {Checklists.PREPARATION, Checklists.OPERATOR},
          {"UserTask_FinalGoNoGo", "dave"},
          {Checklists.FOLLOW_UP, Checklists.OPERATOR}
        }) {
      Task task = null;
      for (int i = 0; i < 1200 && task == null; i++) {
        task =
            tasks
                .createTaskQuery()
                .processInstanceId(run)
                .taskDefinitionKey(gate[0])
                .singleResult();
        if (task == null) {
          Thread.sleep(50);
        }
      }
      if (task == null) {
        throw new IllegalStateException("no " + gate[0] + " in run " + run);
      }
      boolean checklist = gate[0].startsWith("UserTask_Confirm");
      identity.setAuthentication(gate[1], List.of(checklist ? "operators" : "approvers"));
      tasks.complete(
          task.getId(),
          checklist
              ? Checklists.allTicked(Checklists.of(gate[0]))
              : Map.<String, Object>of("decision", "GO"));
      identity.clearAuthentication();
    }
    HistoryService history = app.getBean(HistoryService.class);
    for (int i = 0; i < 2400; i++) {
      if (history.createHistoricProcessInstanceQuery().processInstanceId(run).finished().count()
          == 1) {
        return run;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("run " + run + " did not finish");
  }

  /** The read-only part (phases 2-7) by direct calls; returns ReadOnly on → ReadOnly off. */
  private static Duration directReadOnlyPart(Switchover s, String from, String to)
      throws Exception {
    SwitchoverRequest request =
        new SwitchoverRequest(
            from, to, ExecutionMode.LIVE, "benchmark", "T0", Duration.ofMinutes(3), Duration.ZERO);
    RunContext run =
        new RunContext(
            "bench-direct-" + Instant.now().toEpochMilli(),
            "direct",
            "bench",
            ExecutionMode.LIVE,
            from);
    ExecutorService pool = Executors.newFixedThreadPool(s.topology().sections().size());
    try {
      long t0 = System.nanoTime();
      Instant start = s.setReadOnly(run, request);
      long t1 = System.nanoTime();
      parallel(pool, s, section -> s.lockDownSection(run, section, from, to));
      long t2 = System.nanoTime();
      s.poolNewDatacenter(run, request);
      long t3 = System.nanoTime();
      s.setMasterDatacenter(run, request);
      long t4 = System.nanoTime();
      s.depoolOldDatacenter(run, request);
      long t5 = System.nanoTime();
      s.checkDiscoveryDns(run, request);
      long t6 = System.nanoTime();
      parallel(pool, s, section -> s.unlockSection(run, section, from, to));
      long t7 = System.nanoTime();
      Instant end = s.setReadWrite(run, request);
      long t8 = System.nanoTime();
      long[] marks = {t0, t1, t2, t3, t4, t5, t6, t7, t8};
      for (int i = 0; i < DIRECT_STEPS.size(); i++) {
        directSteps
            .computeIfAbsent(DIRECT_STEPS.get(i), k -> new ArrayList<>())
            .add((marks[i + 1] - marks[i]) / 1_000_000);
      }
      s.restoreTtl(run, Map.of());
      return Duration.between(start, end);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The engine's steps that the direct calls stand for, in order. */
  private static final List<String> DIRECT_STEPS =
      List.of(
          "ServiceTask_SetMediaWikiReadOnly",
          "ServiceTask_SetOldMasterReadOnly",
          "ServiceTask_PoolNewDatacenter",
          "ServiceTask_SetMasterDatacenter",
          "ServiceTask_DepoolOldDatacenter",
          "ServiceTask_CheckDiscoveryDns",
          "ServiceTask_SetNewMasterReadWrite",
          "ServiceTask_SetMediaWikiReadWrite");

  /** How long each direct call took, per round, by the engine step it stands for. */
  private static final Map<String, List<Long>> directSteps = new java.util.LinkedHashMap<>();

  private interface SectionStep {
    void run(String section);
  }

  private static void parallel(ExecutorService pool, Switchover s, SectionStep step)
      throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (String section : s.topology().sections()) {
      futures.add(pool.submit(() -> step.run(section)));
    }
    for (Future<?> future : futures) {
      future.get();
    }
  }
}

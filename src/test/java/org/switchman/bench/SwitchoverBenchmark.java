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

/**
 * {@code scripts/bench switchover}: a live lab switchover eqiad → codfw with 11 sections and no
 * in-flight grace, run by the engine as an operator would (approvals given at once), then the same
 * read-only part codfw → eqiad made by calling the domain steps directly from Java (sections in
 * parallel threads), as the baseline. Prints the two read-only windows, their ratio, and phase 3
 * against its slowest section.
 */
public final class SwitchoverBenchmark {

  private SwitchoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext app =
        BenchApp.start(
                args, "bench-switchover-", "127.61", 9000, "--switchman.lab.discovery-ttl=11s")
            .app();
    try {
      Duration engineWindow = null;
      List<Long> engineWindows = new ArrayList<>();
      Switchover direct = app.getBean(SwitchoverSteps.class).switchover();
      List<Long> directWindows = new ArrayList<>();
      String phase3 = "";
      for (int round = 0; round < 2; round++) {
        String run = engineRun(app, "eqiad", "codfw");
        HistoryService history = app.getBean(HistoryService.class);
        long window =
            ((Number)
                    history
                        .createHistoricVariableInstanceQuery()
                        .processInstanceId(run)
                        .variableName("readOnlyWindowMillis")
                        .singleResult()
                        .getValue())
                .longValue();
        engineWindows.add(window);
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
        phase3 =
            String.format(
                "phase 3: %d ms, slowest single section %d ms, ratio %.2f (target <= 1.5)",
                phase, slowest, (double) phase / Math.max(1, slowest));
        directWindows.add(directReadOnlyPart(direct, "codfw", "eqiad").toMillis());
      }
      long engine = engineWindows.stream().mapToLong(Long::longValue).min().orElseThrow();
      long baseline = directWindows.stream().mapToLong(Long::longValue).min().orElseThrow();
      System.out.println("== switchover benchmark (11 sections, no in-flight grace; best of 2) ==");
      System.out.printf(
          "read-only window, engine: %d ms (runs: %s; target <= 5000 ms)%n", engine, engineWindows);
      System.out.printf(
          "read-only window, direct Java calls: %d ms (runs: %s)%n", baseline, directWindows);
      System.out.printf(
          "ratio engine / direct: %.2f (target <= 1.2)%n", (double) engine / Math.max(1, baseline));
      System.out.println(phase3);
    } finally {
      app.close();
    }
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
        new String[][] {{"UserTask_GoNoGo", "bob"}, {"UserTask_FinalGoNoGo", "dave"}}) {
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
      identity.setAuthentication(gate[1], List.of("approvers"));
      tasks.complete(task.getId(), Map.of("decision", "GO"));
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
      Instant start = s.setReadOnly(run, request);
      parallel(pool, s, section -> s.lockDownSection(run, section, from, to));
      s.poolNewDatacenter(run, request);
      s.setMasterDatacenter(run, request);
      s.depoolOldDatacenter(run, request);
      s.checkDiscoveryDns(run, request);
      parallel(pool, s, section -> s.unlockSection(run, section, from, to));
      Instant end = s.setReadWrite(run, request);
      s.restoreTtl(run, Map.of());
      return Duration.between(start, end);
    } finally {
      pool.shutdownNow();
    }
  }

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

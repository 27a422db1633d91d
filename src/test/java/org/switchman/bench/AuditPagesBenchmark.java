package org.switchman.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.switchman.SwitchmanApplication;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.report.RunFilter;
import org.switchman.audit.report.RunHistory;
import org.switchman.audit.report.RunReports;
import org.switchman.config.JournalKey;

/**
 * {@code scripts/bench pages}: page load times of the audit pages with 1,000 runs in the engine
 * database (half of them finished through both approvals) and a run with 500 journal entries. Each
 * page is fetched over HTTP as carol (Basic) and compared with the direct Java call that gathers
 * its data, the baseline; prints median and 95th percentile and the ratio of medians.
 */
public final class AuditPagesBenchmark {

  private static final int RUNS = 1_000;
  private static final int ENTRIES = 500;
  private static final int ROUNDS = 30;

  private AuditPagesBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path data =
        Files.createTempDirectory(
            Path.of(args.length > 0 ? args[0] : "target").toAbsolutePath(), "bench-pages-");
    Path journalKey = data.resolve("journal.key");
    JournalKey.generate(journalKey);
    ConfigurableApplicationContext app =
        new SpringApplication(SwitchmanApplication.class)
            .run(
                "--spring.profiles.active=lab",
                "--switchman.lab.servers=false",
                "--server.port=0",
                "--switchman.data-dir=" + data,
                "--switchman.journal.key-file=" + journalKey,
                "--logging.level.root=WARN");
    try {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      long started = System.nanoTime();
      String bigRun = fill(app);
      System.out.printf(
          "filled: %d runs, %d journal entries on run %s, in %.1f s%n",
          RUNS, ENTRIES, bigRun, (System.nanoTime() - started) / 1e9);
      RunHistory history = app.getBean(RunHistory.class);
      RunReports reports = app.getBean(RunReports.class);
      System.out.println("page                                   median    p95   direct  ratio");
      measure(port, "/switchman/runs", () -> history.runs(RunFilter.ALL, 0, 50));
      measure(port, "/switchman/runs?offset=950", () -> history.runs(RunFilter.ALL, 950, 50));
      measure(
          port,
          "/switchman/runs?user=alice&outcome=completed",
          () -> history.runs(new RunFilter(null, "alice", "completed", null, null), 0, 50));
      measure(port, "/switchman/api/runs", () -> history.runs(RunFilter.ALL, 0, 50));
      measure(port, "/switchman/runs/" + bigRun, () -> reports.report(bigRun));
      measure(port, "/switchman/runs/" + bigRun + "/report.csv", () -> reports.report(bigRun));
      measure(port, "/switchman/runs/" + bigRun + "/report.json", () -> reports.report(bigRun));
    } finally {
      app.close();
    }
  }

  /** 1,000 runs by alice, every other one approved by bob and dave; 500 entries on the last one. */
  private static String fill(ConfigurableApplicationContext app) {
    RuntimeService runtime = app.getBean(RuntimeService.class);
    TaskService tasks = app.getBean(TaskService.class);
    IdentityService identity = app.getBean(IdentityService.class);
    String last = null;
    for (int i = 0; i < RUNS; i++) {
      identity.setAuthentication("alice", List.of("operators", "approvers"));
      last =
          runtime
              .startProcessInstanceByKey(
                  "four-eyes-check",
                  Map.of(
                      "reason", "bench run " + i, "ticket", "T" + (10_000 + i), "mode", "dry-run"))
              .getId();
      if (i % 2 == 0) {
        for (String approver : List.of("bob", "dave")) {
          identity.setAuthentication(approver, List.of("approvers"));
          String task = tasks.createTaskQuery().processInstanceId(last).singleResult().getId();
          tasks.complete(task, Map.of("decision", "GO", "comment", "bench"));
        }
      }
    }
    identity.clearAuthentication();
    Journal journal = app.getBean(Journal.class);
    for (int i = 0; i < ENTRIES; i++) {
      journal.append(
          new JournalEntry.Draft(
              last,
              "ServiceTask_Bench",
              "alice",
              "dry-run",
              "SSH",
              "mw" + (1000 + i % 50) + ".eqiad.wmnet",
              "systemctl restart php-fpm # " + i,
              "WOULD",
              i % 10 == 0 ? "line\n".repeat(40) : "ok",
              12L,
              "SHA256:bench" + (i % 50)));
    }
    return last;
  }

  private static void measure(int port, String path, Supplier<?> direct) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString("carol:demo".getBytes(StandardCharsets.UTF_8)))
            .GET()
            .build();
    List<Double> page = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    for (int round = 0; round < ROUNDS + 5; round++) {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      long t1 = System.nanoTime();
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + response.statusCode());
      }
      direct.get();
      long t2 = System.nanoTime();
      if (round >= 5) {
        page.add((t1 - t0) / 1e6);
        baseline.add((t2 - t1) / 1e6);
      }
    }
    double median = percentile(page, 50);
    double directMedian = percentile(baseline, 50);
    System.out.printf(
        "%-38s %6.1f ms %6.1f ms %6.1f ms  %4.2f%n",
        shorten(path), median, percentile(page, 95), directMedian, median / directMedian);
  }

  private static String shorten(String path) {
    return path.length() <= 38
        ? path
        : path.substring(0, 18) + "…" + path.substring(path.length() - 19);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}

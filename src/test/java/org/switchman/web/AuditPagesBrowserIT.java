package org.switchman.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Pdf;
import org.openqa.selenium.PrintsPage;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.print.PrintOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;
import org.switchman.audit.report.RunReportCsv;
import org.switchman.support.AppLabSlot;
import org.switchman.support.Browser;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * The audit pages in headless Chromium against the app and the lab: the live view during a real
 * switchover's read-only window, then carol's report of it, its exports, and the lock table as
 * carol (read-only) and as admin (force release, journaled).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "switchman.lab.dir=target/audit-browser-lab",
      "switchman.switchover.catch-up-attempts=4"
    })
@ActiveProfiles("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditPagesBrowserIT {

  private static final AppLabSlot SLOT = AppLabSlot.firstFree(71, 8000, List.of("s1", "s2"));
  private static final Path DOWNLOADS = Path.of("target", "downloads").toAbsolutePath();
  private static final Pattern CLOCK = Pattern.compile("(\\d+):(\\d\\d) left");

  @DynamicPropertySource
  static void labSlot(DynamicPropertyRegistry registry) {
    SLOT.register(registry, "audit-browser");
  }

  /** The switchover of the first test, reported on by the next ones. */
  private static String switchover;

  @LocalServerPort int port;

  private Browser browser;
  private SwitchoverRuns runs;

  @BeforeEach
  void open() throws Exception {
    FileSystemUtils.deleteRecursively(DOWNLOADS);
    Files.createDirectories(DOWNLOADS);
    browser = new Browser(DOWNLOADS);
    runs = new SwitchoverRuns(port);
  }

  @AfterEach
  void close() {
    browser.close();
  }

  @Test
  @Order(1)
  void theLiveViewCountsDownTheReadOnlyWindowAndCarolCanNeitherReleaseTheLockNorDecide()
      throws Exception {
    Rest admin = Rest.as(port, "admin", "demo");
    String run = runs.start("eqiad", "codfw", "live");
    runs.approve(run, "UserTask_GoNoGo", "bob");
    // once the final gate has read the pre-checks again, a lagging section holds phase 3, so the
    // read-only window stays open at its decision task
    runs.awaitTask("UserTask_FinalGoNoGo");
    Rest.Reply injected =
        admin.post(
            "/lab/api/faults",
            "{\"kind\":\"REPLICATION_DELAY\",\"section\":\"s2\","
                + "\"dc\":\"codfw\",\"seconds\":120}");
    assertThat(injected.status()).as(injected.body()).isLessThan(300);
    String fault = injected.json().path("id").asText();
    runs.approve(run, "UserTask_FinalGoNoGo", "dave");
    JsonNode decision = runs.awaitTask("UserTask_DecideOnSectionFailure");
    try {
      carolWatchesTheWindowAndCannotInterfere(run, decision);
    } finally {
      // the lag ends and alice retries, whatever happened above: the run finishes
      assertThat(admin.delete("/lab/api/faults/" + fault).status()).isLessThan(300);
      runs.complete(
          Rest.as(port, "alice", "demo"),
          decision.path("id").asText(),
          "{\"decision\":{\"value\":\"retry\"}}");
      runs.awaitEnd(run);
    }
    switchover = run;
  }

  private void carolWatchesTheWindowAndCannotInterfere(String run, JsonNode decision) {
    Rest admin = Rest.as(port, "admin", "demo");
    browser.loginToSwitchman(port, "carol", "demo");
    WebDriver page = browser.driver();
    page.get(url("/switchman/runs/" + run + "/live"));
    var wait = browser.waitUpTo(Duration.ofSeconds(30));
    wait.until(ExpectedConditions.textMatches(By.id("ro-countdown"), CLOCK));
    int first = seconds(page.findElement(By.id("ro-countdown")).getText());
    assertThat(first).isBetween(1, 180);
    wait.until(driver -> seconds(driver.findElement(By.id("ro-countdown")).getText()) <= first - 2);
    assertThat(page.findElement(By.id("readonly")).isDisplayed()).isTrue();
    assertThat(page.findElement(By.id("ro-budget")).getText()).isEqualTo("3m");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("tasks"), "Decide: section failed"));
    assertThat(page.findElement(By.id("phase")).getText())
        .contains("Phase 3: DB masters read-only");
    browser.screenshot("live-view-read-only-countdown");

    page.get(url("/switchman/locks"));
    WebElement row = page.findElement(By.cssSelector("#locks tr[data-run='" + run + "']"));
    assertThat(row.getText()).contains("dc-switchover", "mediawiki", "alice");
    assertThat(page.findElements(By.cssSelector("form.release")))
        .as("no release form for carol")
        .isEmpty();
    Object status =
        ((JavascriptExecutor) page)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "const token = document.querySelector('input[name=_csrf]').value;"
                    + "fetch('/switchman/locks/release', {method: 'POST', credentials: 'same-origin',"
                    + " headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                    + " body: 'runbook=dc-switchover&target=mediawiki&runId="
                    + run
                    + "&reason=carol&_csrf='"
                    + " + encodeURIComponent(token), redirect: 'manual'}).then(r => done(r.status));");
    assertThat(((Number) status).intValue()).as("carol's forged release").isEqualTo(403);
    browser.screenshot("locks-carol-read-only");
    assertThat(
            Rest.as(port, "carol", "demo")
                .post(
                    "/engine-rest/task/" + decision.path("id").asText() + "/complete",
                    "{\"variables\":{\"decision\":{\"value\":\"retry\"}}}")
                .status())
        .isEqualTo(403);
    assertThat(admin.get("/switchman/api/locks").json().toString()).contains(run);
  }

  @Test
  @Order(2)
  void carolOpensTheReportOfTheFinishedSwitchover() {
    assertThat(switchover).as("the switchover of the first test").isNotNull();
    browser.loginToSwitchman(port, "carol", "demo");
    WebDriver page = browser.driver();
    page.get(url("/switchman/runs?runbook=dc-switchover"));
    page.findElement(By.cssSelector("tr[data-run='" + switchover + "'] a")).click();
    var wait = browser.waitUpTo(Duration.ofSeconds(30));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("approvals")));

    List<String> approvals =
        page.findElements(By.cssSelector("#approvals tbody tr")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(approvals).anySatisfy(a -> assertThat(a).contains("GO/NOGO", "bob", "GO from bob"));
    assertThat(approvals)
        .anySatisfy(a -> assertThat(a).contains("Final GO/NOGO", "dave", "GO from dave"));
    assertThat(page.findElement(By.id("decisions")).getText())
        .contains("section s2", "alice", "RETRY");
    assertThat(page.findElement(By.id("readonly-budget")).getText()).isEqualTo("3 min 0 s");
    assertThat(page.findElement(By.id("readonly-exceeded")).getText()).isEqualTo("no");
    assertThat(page.findElement(By.id("readonly-length")).getText())
        .matches("[\\d.]+ (s|ms)|\\d+ min \\d+ s");
    assertThat(page.findElement(By.id("lock-name")).getText()).isEqualTo("dc-switchover/mediawiki");
    assertThat(page.findElement(By.id("journal-check")).getText()).startsWith("hash chain intact");
    String journal = page.findElement(By.id("journal")).getText();
    assertThat(journal)
        .contains("SET GLOBAL read_only = 1", "SET GLOBAL read_only = 0", "systemctl");
    assertThat(
            page.findElements(By.cssSelector("#journal code.hostkey")).stream()
                .map(WebElement::getText))
        .anySatisfy(key -> assertThat(key).startsWith("SHA256:"));
    assertThat(page.findElement(By.id("cockpit-link")).getAttribute("href"))
        .endsWith("/camunda/app/cockpit/default/#/process-instance/" + switchover + "/runtime");

    List<String> timeline =
        page.findElements(By.cssSelector("#timeline tbody tr")).stream()
            .map(row -> row.getAttribute("data-activity"))
            .toList();
    assertThat(timeline)
        .as("the timeline shows each phase, not the frame that holds it with its decision")
        .contains("Phase_Preparation", "Phase_SetReadOnly", "Phase_PostReadOnly")
        .noneMatch(activity -> activity.startsWith("Step_"));

    WebElement diagram = page.findElement(By.id("diagram"));
    wait.until(ExpectedConditions.attributeToBe(diagram, "data-rendered", "true"));
    assertThat(Integer.parseInt(diagram.getAttribute("data-highlighted"))).isGreaterThan(20);
    assertThat(
            page.findElements(
                By.cssSelector(
                    "#diagram .djs-element.visited[data-element-id='Step_SetReadOnly']")))
        .as("phase 2, a collapsed subprocess on the top level")
        .hasSize(1);
    assertThat(
            page.findElements(
                By.cssSelector(
                    "#diagram .djs-element.visited[data-element-id='ServiceTask_RollBackSwitchover']")))
        .as("the rollback was not taken")
        .isEmpty();
    ((JavascriptExecutor) page)
        .executeScript(
            "arguments[0].click()",
            page.findElement(
                By.cssSelector(
                    "#diagram .djs-overlays[data-container-id='Step_SetReadOnly'] .bjs-drilldown")));
    assertThat(
            wait.until(
                ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector(
                        "#diagram .djs-element.visited[data-element-id='Phase_SetReadOnly']"))))
        .as("inside phase 2, opened as in Modeler")
        .isNotNull();
    browser.screenshot("report-diagram-phase-2-carol");
    ((JavascriptExecutor) page).executeScript("arguments[0].scrollIntoView()", diagram);
    browser.screenshot("report-diagram-carol");
    ((JavascriptExecutor) page).executeScript("window.scrollTo(0, 0)");
    browser.screenshot("report-top-carol");

    Pdf printed = ((PrintsPage) page).print(new PrintOptions());
    byte[] pdf = java.util.Base64.getDecoder().decode(printed.getContent());
    assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
    try {
      Files.write(Browser.SCREENSHOTS.resolve("report-carol.pdf"), pdf);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(3)
  void theJsonAndCsvExportsDownloadAndParse() throws Exception {
    assertThat(switchover).as("the switchover of the first test").isNotNull();
    browser.loginToSwitchman(port, "carol", "demo");
    browser.driver().get(url("/switchman/runs/" + switchover));
    browser.driver().findElement(By.id("export-json")).click();
    browser.driver().findElement(By.id("export-csv")).click();
    Path json = DOWNLOADS.resolve("run-" + switchover + ".json");
    Path csv = DOWNLOADS.resolve("run-" + switchover + ".csv");
    SwitchoverRuns.await(
        () -> Files.exists(json) && Files.exists(csv),
        Duration.ofSeconds(20),
        () -> "the downloads in " + DOWNLOADS);

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("summary").path("runId").asText()).isEqualTo(switchover);
    assertThat(report.path("summary").path("outcome").asText()).isEqualTo("switched-over");
    assertThat(report.path("summary").path("readOnlyWindow").path("budget").asText())
        .isEqualTo("PT3M");
    assertThat(report.path("approvals").size()).isEqualTo(2);
    assertThat(report.path("journal").size()).isGreaterThan(50);

    List<List<String>> rows = Csv.parse(Files.readString(csv));
    assertThat(rows.get(0)).isEqualTo(RunReportCsv.COLUMNS);
    assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(RunReportCsv.COLUMNS.size()));
    assertThat(rows.stream().filter(row -> row.get(0).equals("journal")).count())
        .isEqualTo(report.path("journal").size());
    assertThat(rows.stream().filter(row -> row.get(0).equals("approval")).map(row -> row.get(7)))
        .containsExactly("bob", "dave");
    assertThat(rows.stream().filter(row -> row.get(0).equals("read-only-window")).findFirst())
        .hasValueSatisfying(row -> assertThat(row.get(10)).isEqualTo("within budget"));
  }

  @Test
  @Order(4)
  void anAdminForceReleasesALockWithAReasonAndTheReleaseIsJournaled() {
    Rest admin = Rest.as(port, "admin", "demo");
    // a dry-run from whichever datacenter is active now
    Rest.Reply started = runs.tryStart("codfw", "eqiad", "dry-run");
    if (started.status() == 400) {
      started = runs.tryStart("eqiad", "codfw", "dry-run");
    }
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().path("id").asText();
    runs.awaitTask("UserTask_GoNoGo");
    try {
      browser.loginToSwitchman(port, "admin", "demo");
      WebDriver page = browser.driver();
      page.get(url("/switchman/locks"));
      WebElement form =
          page.findElement(By.cssSelector("#locks tr[data-run='" + run + "'] form.release"));
      form.findElement(By.name("reason")).sendKeys("run abandoned after a node loss");
      form.findElement(By.cssSelector("button[type=submit]")).click();
      browser
          .waitUpTo(Duration.ofSeconds(20))
          .until(ExpectedConditions.presenceOfElementLocated(By.id("message")));
      assertThat(page.findElement(By.id("message")).getText())
          .contains("Released dc-switchover on mediawiki");
      // the run is still active: it is listed as having lost its lock, with nothing left to release
      WebElement lost = page.findElement(By.cssSelector("#locks tr[data-run='" + run + "']"));
      assertThat(lost.getAttribute("data-status")).isEqualTo("lost");
      assertThat(lost.getText()).contains("LOST: force-released by an administrator");
      assertThat(lost.findElements(By.cssSelector("form.release"))).isEmpty();
      browser.screenshot("locks-admin-after-force-release");

      JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json();
      assertThat(report.path("lock").path("releasedBy").asText())
          .isEqualTo("admin (forced: run abandoned after a node loss)");
      assertThat(report.path("journal").toString())
          .contains("FORCE_RELEASED", "force-release lock dc-switchover on mediawiki");
    } finally {
      assertThat(admin.delete("/engine-rest/process-instance/" + run).status()).isEqualTo(204);
    }
  }

  @Test
  @Order(5)
  void theLiveViewOfADepoolFollowsEachServiceFromWaitingToDone() {
    java.util.Map<String, Object> start = new java.util.HashMap<>();
    start.put("action", "depool");
    start.put("dc", "codfw");
    start.put("services", "aqs restbase");
    start.put("mode", "live");
    start.put("reason", "codfw network maintenance");
    start.put("ticket", "T7071");
    Rest.Reply started =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/discovery-datacenter/start",
                Rest.variables(start));
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().path("id").asText();
    try {
      browser.loginToSwitchman(port, "carol", "demo");
      WebDriver page = browser.driver();
      page.get(url("/switchman/runs/" + run + "/live"));
      var wait = browser.waitUpTo(Duration.ofSeconds(30));
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("service-stages"), "2 waiting"));
      assertThat(page.findElement(By.id("services")).isDisplayed()).isTrue();
      assertThat(page.findElement(By.id("hosts")).isDisplayed()).as("no hosts").isFalse();

      runs.approve(run, "UserTask_GoNoGo", "bob");
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("service-stages"), "2 done"));
      List<String> rows =
          page.findElements(By.cssSelector("#service-rows tr")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0))
          .contains("aqs", "pooled in codfw, eqiad → eqiad", "done", "aqs.discovery.wmnet answers");
      browser.screenshot("live-view-discovery-depool");
    } finally {
      runs.awaitEnd(run);
      java.util.Map<String, Object> back = new java.util.HashMap<>(start);
      back.put("action", "pool");
      String pool =
          Rest.as(port, "alice", "demo")
              .post(
                  "/engine-rest/process-definition/key/discovery-datacenter/start",
                  Rest.variables(back))
              .json()
              .path("id")
              .asText();
      runs.awaitEnd(pool);
    }
  }

  private String url(String path) {
    return "http://localhost:" + port + path;
  }

  private static int seconds(String countdown) {
    Matcher clock = CLOCK.matcher(countdown);
    if (!clock.find()) {
      return Integer.MAX_VALUE;
    }
    return Integer.parseInt(clock.group(1)) * 60 + Integer.parseInt(clock.group(2));
  }
}

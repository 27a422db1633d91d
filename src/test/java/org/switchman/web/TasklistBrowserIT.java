package org.switchman.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.support.AppTestSupport;
import org.switchman.support.Browser;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Tasklist in a real browser: login, the start-process list, a deployed form, a refusal, and an
 * approval completed from the form.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TasklistBrowserIT {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    AppTestSupport.demoUsers(registry);
  }

  @LocalServerPort
  int port;

  private Browser browser;

  @BeforeEach
  void openBrowser() {
    browser = new Browser();
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  @Test
  void aliceLogsInAndSeesTheRunbooksSheMayStart() {
    browser.loginToCamunda(port, "tasklist", "alice", "demo");
    var wait = browser.waitUpTo(Duration.ofSeconds(30));
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".start-process-action"))).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".modal-content"),
        "Four-eyes check: distinct approvers"));
    browser.screenshot("tasklist-start-process-alice");
    assertThat(browser.driver().findElement(By.cssSelector(".modal-content")).getText())
        .contains("Four-eyes check: one approver may decide both gates");
    assertThat(browser.driver().findElements(By.cssSelector(".ce-eol-banner")))
        .as("the end-of-life banner is hidden").allSatisfy(banner -> assertThat(banner.isDisplayed()).isFalse());
  }

  @Test
  void anApproverSeesTheApprovalFormAndTheStarterIsRefused() {
    Rest.Reply started = Rest.as(port, "alice", "demo").post(
        "/engine-rest/process-definition/key/four-eyes-check/start",
        "{\"variables\":{\"reason\":{\"value\":\"browser check\"},\"ticket\":{\"value\":\"T42\"},"
            + "\"mode\":{\"value\":\"dry-run\"}}}");
    assertThat(started.status()).isEqualTo(200);
    String run = started.json().get("id").asText();
    String task = Rest.as(port, "admin", "demo")
        .get("/engine-rest/task?processInstanceId=" + run).json().get(0).get("id").asText();
    var wait = browser.waitUpTo(Duration.ofSeconds(30));

    browser.loginToCamunda(port, "tasklist", "bob", "demo");
    browser.driver().get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("body"), "GO: proceed"));
    String page = browser.driver().findElement(By.cssSelector("body")).getText();
    assertThat(page).contains("NOGO: stop the run", "DRY-RUN");
    assertThat(browser.driver().findElement(By.cssSelector("input[id$='Field_Reason']")).getAttribute("value"))
        .isEqualTo("browser check");
    assertThat(browser.driver().findElement(By.cssSelector("input[id$='Field_Ticket']")).getAttribute("value"))
        .isEqualTo("T42");
    browser.screenshot("tasklist-approval-form-bob");

    browser.driver().manage().deleteAllCookies();
    browser.loginToCamunda(port, "tasklist", "alice", "demo");
    browser.driver().get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.claim, [ng-click='claim()']")))
        .click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("body"),
        "alice started this run and cannot approve it"));
    browser.screenshot("tasklist-four-eyes-refusal-alice");
    assertThat(Rest.as(port, "admin", "demo").get("/engine-rest/task/" + task).json()
        .get("assignee").isNull()).isTrue();
  }

  @Test
  void theApprovalFormShowsTheReasonAsPlainTextAndSubmitsOnlyTheDecision() {
    String reason = "**x** [link](https://example.invalid)";
    Rest.Reply started = Rest.as(port, "alice", "demo").post(
        "/engine-rest/process-definition/key/four-eyes-check/start",
        "{\"variables\":{\"reason\":{\"value\":\"" + reason + "\"},"
            + "\"ticket\":{\"value\":\"T43\"},\"mode\":{\"value\":\"live\"}}}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().get("id").asText();
    // what a runbook's start rule sets after validation; the fixture has no start rule
    Rest admin = Rest.as(port, "admin", "demo");
    Rest.Reply validated = admin.post("/engine-rest/process-instance/" + run + "/variables",
        "{\"modifications\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},"
            + "\"activeDatacenter\":{\"value\":\"eqiad\"},\"runbook\":{\"value\":\"four-eyes-check\"}}}");
    assertThat(validated.status()).as(validated.body()).isEqualTo(204);
    String task = admin.get("/engine-rest/task?processInstanceId=" + run).json().get(0).get("id").asText();
    var wait = browser.waitUpTo(Duration.ofSeconds(30));

    browser.loginToCamunda(port, "tasklist", "bob", "demo");
    browser.driver().get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("body"), "GO: proceed"));
    var form = browser.driver().findElement(By.cssSelector(".fjs-form"));
    assertThat(form.findElement(By.cssSelector(".fjs-form-field-text")).getText())
        .isEqualTo("LIVE \u2014 eqiad \u2192 codfw (active: eqiad) \u00b7 four-eyes-check");
    var reasonField = form.findElement(By.cssSelector("input[id$='Field_Reason']"));
    assertThat(reasonField.getAttribute("value")).isEqualTo(reason);
    assertThat(reasonField.getAttribute("disabled")).isNotNull();
    assertThat(form.findElements(By.cssSelector("a[href*='example.invalid']"))).as("no link").isEmpty();
    assertThat(form.findElements(By.cssSelector(".fjs-form-field-text strong"))).as("no bold").isEmpty();
    assertThat(form.findElements(By.cssSelector("[id$='Field_Plan'], [id$='Field_PreChecks'], [id$='Field_Sections']")))
        .as("values this run does not have are left out").isEmpty();
    browser.screenshot("tasklist-approval-form-plain-text-bob");

    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.claim, [ng-click='claim()']")))
        .click();
    wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("input[type=radio][id$='Field_Decision-0']:not([disabled])")));
    press(browser.driver().findElement(By.cssSelector("input[type=radio][id$='Field_Decision-0']")));
    scrolledTo(browser.driver().findElement(By.cssSelector("textarea[id$='Field_Comment']")))
        .sendKeys("looks right", Keys.TAB);
    press(wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[ng-click='complete()']"))));
    SwitchoverRuns.await(() -> admin.get("/engine-rest/task?processInstanceId=" + run).json()
        .path(0).path("taskDefinitionKey").asText().equals("UserTask_SecondGate"),
        Duration.ofSeconds(30), () -> "the first gate to complete");

    JsonNode updates = admin.get("/engine-rest/history/detail?variableUpdates=true&processInstanceId=" + run)
        .json();
    Map<String, Long> writes = new TreeMap<>();
    updates.forEach(u -> writes.merge(u.path("variableName").asText(), 1L, Long::sum));
    assertThat(writes).containsKeys("reason", "ticket", "mode", "dcFrom", "dcTo", "activeDatacenter", "runbook");
    writes.forEach((name, count) -> {
      if (!Set.of("decision", "comment").contains(name)) {
        assertThat(count).as(name + " written once, not sent back by the form").isEqualTo(1L);
      }
    });
    List<String> submitted = new ArrayList<>();
    updates.forEach(u -> {
      if (Set.of("decision", "comment").contains(u.path("variableName").asText()) && !u.path("value").isNull()) {
        submitted.add(u.path("variableName").asText() + "=" + u.path("value").asText());
      }
    });
    assertThat(submitted).as("what the form sent").containsExactlyInAnyOrder("decision=GO", "comment=looks right");
  }

  /** Clicks in the page's own script: the task pane scrolls under Tasklist's fixed footer. */
  private void press(WebElement element) {
    ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].click()", element);
  }

  private WebElement scrolledTo(WebElement element) {
    ((JavascriptExecutor) browser.driver()).executeScript(
        "arguments[0].scrollIntoView({block: 'center'})", element);
    return element;
  }
}

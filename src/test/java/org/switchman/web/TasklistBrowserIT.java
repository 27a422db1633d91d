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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Browser;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;

/**
 * Tasklist in a real browser: login, the start-process list, a deployed form, a refusal, and an
 * approval completed from the form.
 */
@AppWithDemoUsers
class TasklistBrowserIT {

  @LocalServerPort int port;

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
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".start-process-action")))
        .click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector(".modal-content"), "Four-eyes check: distinct approvers"));
    browser.screenshot("tasklist-start-process-alice");
    assertThat(browser.driver().findElement(By.cssSelector(".modal-content")).getText())
        .contains("Four-eyes check: one approver may decide both gates");
    assertThat(browser.driver().findElements(By.cssSelector(".ce-eol-banner")))
        .as("the end-of-life banner is hidden")
        .allSatisfy(banner -> assertThat(banner.isDisplayed()).isFalse());
  }

  @Test
  void anApproverSeesTheApprovalFormAndTheStarterIsRefused() {
    Rest.Reply started =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"browser check\"},\"ticket\":{\"value\":\"T42\"},"
                    + "\"mode\":{\"value\":\"dry-run\"}}}");
    assertThat(started.status()).isEqualTo(200);
    String run = started.json().get("id").asText();
    String task =
        Rest.as(port, "admin", "demo")
            .get("/engine-rest/task?processInstanceId=" + run)
            .json()
            .get(0)
            .get("id")
            .asText();
    var wait = browser.waitUpTo(Duration.ofSeconds(30));

    browser.loginToCamunda(port, "tasklist", "bob", "demo");
    browser
        .driver()
        .get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("body"), "GO: proceed"));
    String page = browser.driver().findElement(By.cssSelector("body")).getText();
    assertThat(page).contains("NOGO: stop the run", "DRY-RUN");
    assertThat(
            browser
                .driver()
                .findElement(By.cssSelector("input[id$='Field_Reason']"))
                .getAttribute("value"))
        .isEqualTo("browser check");
    assertThat(
            browser
                .driver()
                .findElement(By.cssSelector("input[id$='Field_Ticket']"))
                .getAttribute("value"))
        .isEqualTo("T42");
    browser.screenshot("tasklist-approval-form-bob");

    browser.driver().manage().deleteAllCookies();
    browser.loginToCamunda(port, "tasklist", "alice", "demo");
    browser
        .driver()
        .get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(
            ExpectedConditions.elementToBeClickable(
                By.cssSelector("button.claim, [ng-click='claim()']")))
        .click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("body"), "alice started this run and cannot approve it"));
    browser.screenshot("tasklist-four-eyes-refusal-alice");
    assertThat(
            Rest.as(port, "admin", "demo")
                .get("/engine-rest/task/" + task)
                .json()
                .get("assignee")
                .isNull())
        .isTrue();
  }

  @Test
  void theApprovalFormShowsTheReasonAsPlainTextAndSubmitsOnlyTheDecision() {
    String reason = "**x** [link](https://example.invalid)";
    String run = startFixture("four-eyes-check", "live", reason, "");
    Rest admin = Rest.as(port, "admin", "demo");
    String task =
        admin.get("/engine-rest/task?processInstanceId=" + run).json().get(0).get("id").asText();
    var wait = browser.waitUpTo(Duration.ofSeconds(30));

    browser.loginToCamunda(port, "tasklist", "bob", "demo");
    browser
        .driver()
        .get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("body"), "GO: proceed"));
    var form = browser.driver().findElement(By.cssSelector(".fjs-form"));
    assertThat(form.findElement(By.cssSelector(".fjs-form-field-text")).getText())
        .isEqualTo("LIVE \u2014 eqiad \u2192 codfw (active: eqiad) \u00b7 four-eyes-check");
    var reasonField = form.findElement(By.cssSelector("input[id$='Field_Reason']"));
    assertThat(reasonField.getAttribute("value")).isEqualTo(reason);
    assertThat(reasonField.getAttribute("disabled")).isNotNull();
    assertThat(form.findElements(By.cssSelector("a[href*='example.invalid']")))
        .as("no link")
        .isEmpty();
    assertThat(form.findElements(By.cssSelector(".fjs-form-field-text strong")))
        .as("no bold")
        .isEmpty();
    assertThat(
            form.findElements(
                By.cssSelector(
                    "[id$='Field_Plan'], [id$='Field_PreChecks'], [id$='Field_Sections']")))
        .as("values this run does not have are left out")
        .isEmpty();
    browser.screenshot("tasklist-approval-form-plain-text-bob");

    claimChooseAndComplete(0, "textarea[id$='Field_Comment']", "looks right");
    SwitchoverRuns.await(
        () ->
            admin
                .get("/engine-rest/task?processInstanceId=" + run)
                .json()
                .path(0)
                .path("taskDefinitionKey")
                .asText()
                .equals("UserTask_SecondGate"),
        Duration.ofSeconds(30),
        () -> "the first gate to complete");
    assertThat(sentByTheForm(run, "decision", "comment"))
        .as("what the form sent")
        .containsExactlyInAnyOrder("decision=GO", "comment=looks right");
  }

  @Test
  void theDecisionFormShowsTheFailureAsPlainTextAndSubmitsOnlyTheDecision() {
    String message =
        "lag 30 s **on s2**\\n\\n# Skip is safe\\n\\n[runbook](https://example.invalid)";
    String run =
        startFixture(
            "decision-check",
            "dry-run",
            "decision form check",
            ",\"failedStep\":{\"value\":\"Old master read-only\"},\"failedCheck\":{\"value\":\"catch-up\"},"
                + "\"section\":{\"value\":\"s2\"},\"failureMessage\":{\"value\":\""
                + message
                + "\"}");
    Rest admin = Rest.as(port, "admin", "demo");
    String task =
        admin.get("/engine-rest/task?processInstanceId=" + run).json().get(0).get("id").asText();
    var wait = browser.waitUpTo(Duration.ofSeconds(30));

    browser.loginToCamunda(port, "tasklist", "alice", "demo");
    browser
        .driver()
        .get("http://localhost:" + port + "/camunda/app/tasklist/default/#/?task=" + task);
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("body"), "Skip the step"));
    var form = browser.driver().findElement(By.cssSelector(".fjs-form"));
    assertThat(form.findElement(By.cssSelector(".fjs-form-field-text")).getText())
        .isEqualTo("DRY-RUN \u2014 eqiad \u2192 codfw (active: eqiad) \u00b7 decision-check");
    assertThat(
            form.findElement(By.cssSelector("textarea[id$='Field_FailureMessage']"))
                .getAttribute("value"))
        .isEqualTo("lag 30 s **on s2**\n\n# Skip is safe\n\n[runbook](https://example.invalid)");
    assertThat(form.findElement(By.cssSelector("input[id$='Field_Section']")).getAttribute("value"))
        .isEqualTo("s2");
    assertThat(form.findElements(By.cssSelector("a[href*='example.invalid'], h1")))
        .as("no link, no heading")
        .isEmpty();
    assertThat(form.findElements(By.cssSelector("strong")))
        .as("only the form's own notice is bold")
        .extracting(e -> e.getText())
        .containsExactly("Abort is not offered here");
    assertThat(form.findElements(By.cssSelector("input[type=radio][id*='Field_Decision']")))
        .as("only the options this step allows")
        .extracting(radio -> radio.findElement(By.xpath("..")).getText().strip())
        .containsExactly("Retry the step", "Skip the step");
    browser.screenshot("tasklist-decision-form-plain-text-alice");

    claimChooseAndComplete(1, "textarea[id$='Field_Justification']", "lag checked by hand");
    SwitchoverRuns.await(
        () ->
            admin
                .get("/engine-rest/history/process-instance/" + run)
                .json()
                .path("state")
                .asText()
                .equals("COMPLETED"),
        Duration.ofSeconds(30),
        () -> "the run to end");
    assertThat(sentByTheForm(run, "decision", "justification"))
        .as("what the form sent")
        .containsExactlyInAnyOrder("decision=skip", "justification=lag checked by hand");
  }

  /**
   * alice starts a fixture with its start form's fields; the administrator then sets what a
   * runbook's start rule sets after validation (the fixtures have none), plus {@code more}.
   */
  private String startFixture(String key, String mode, String reason, String more) {
    Rest.Reply started =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/" + key + "/start",
                "{\"variables\":{\"reason\":{\"value\":\""
                    + reason
                    + "\"},"
                    + "\"ticket\":{\"value\":\"T43\"},\"mode\":{\"value\":\""
                    + mode
                    + "\"}}}");
    assertThat(started.status()).as(started.body()).isEqualTo(200);
    String run = started.json().get("id").asText();
    Rest.Reply validated =
        Rest.as(port, "admin", "demo")
            .post(
                "/engine-rest/process-instance/" + run + "/variables",
                "{\"modifications\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},"
                    + "\"activeDatacenter\":{\"value\":\"eqiad\"},\"runbook\":{\"value\":\""
                    + key
                    + "\"}"
                    + more
                    + "}}");
    assertThat(validated.status()).as(validated.body()).isEqualTo(204);
    return run;
  }

  /** Claims the open task, picks the option at {@code choice}, types the text, completes. */
  private void claimChooseAndComplete(int choice, String textArea, String text) {
    var wait = browser.waitUpTo(Duration.ofSeconds(30));
    wait.until(
            ExpectedConditions.elementToBeClickable(
                By.cssSelector("button.claim, [ng-click='claim()']")))
        .click();
    By option = By.cssSelector("input[type=radio][id$='Field_Decision-" + choice + "']");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector(
                "input[type=radio][id$='Field_Decision-" + choice + "']:not([disabled])")));
    press(browser.driver().findElement(option));
    // leaving the field hands the typed text to the form, as a person clicking Complete does
    scrolledTo(browser.driver().findElement(By.cssSelector(textArea))).sendKeys(text, Keys.TAB);
    press(
        wait.until(
            ExpectedConditions.elementToBeClickable(
                By.cssSelector("button[ng-click='complete()']"))));
  }

  /**
   * The non-empty values the task form wrote to the run's variables named {@code fields}, after
   * checking that every other variable was written exactly once (by the start), so the form sent
   * none of them back.
   */
  private List<String> sentByTheForm(String run, String... fields) {
    JsonNode updates =
        Rest.as(port, "admin", "demo")
            .get("/engine-rest/history/detail?variableUpdates=true&processInstanceId=" + run)
            .json();
    Set<String> own = Set.of(fields);
    Map<String, Long> writes = new TreeMap<>();
    updates.forEach(u -> writes.merge(u.path("variableName").asText(), 1L, Long::sum));
    assertThat(writes)
        .containsKeys("reason", "ticket", "mode", "dcFrom", "dcTo", "activeDatacenter", "runbook");
    writes.forEach(
        (name, count) -> {
          if (!own.contains(name)) {
            assertThat(count).as(name + " written once, not sent back by the form").isEqualTo(1L);
          }
        });
    List<String> sent = new ArrayList<>();
    updates.forEach(
        u -> {
          String name = u.path("variableName").asText();
          if (own.contains(name)
              && !u.path("value").isNull()
              && !u.path("value").asText().isEmpty()) {
            sent.add(name + "=" + u.path("value").asText());
          }
        });
    return sent;
  }

  /** Clicks in the page's own script: the task pane scrolls under Tasklist's fixed footer. */
  private void press(WebElement element) {
    ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].click()", element);
  }

  private WebElement scrolledTo(WebElement element) {
    ((JavascriptExecutor) browser.driver())
        .executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    return element;
  }
}

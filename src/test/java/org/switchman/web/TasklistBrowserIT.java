package org.switchman.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.support.AppTestSupport;
import org.switchman.support.Browser;
import org.switchman.support.Rest;

/** Tasklist in a real browser: login, the start-process list, a deployed form, a refusal. */
@ActiveProfiles("lab")
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
    assertThat(page).contains("NOGO: stop the run", "browser check", "T42");
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
}

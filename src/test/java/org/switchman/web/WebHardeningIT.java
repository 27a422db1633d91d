package org.switchman.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.LoopbackClient;
import org.switchman.support.LoopbackClient.Reply;

/** Cookies, CSRF and the diagram download of the pages, as a browser would meet them. */
@AppWithDemoUsers
class WebHardeningIT {

  @LocalServerPort int port;

  @Autowired RuntimeService runtime;

  private LoopbackClient browser() {
    return new LoopbackClient("127.0.0.1", port);
  }

  private static String sessionCookie(Reply reply) {
    return reply.headers("Set-Cookie").stream()
        .filter(cookie -> cookie.startsWith("JSESSIONID="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie: " + reply.headers()));
  }

  @Test
  void sessionCookiesAreSameSiteStrict() {
    String switchman = sessionCookie(browser().get("/switchman/login"));
    assertThat(switchman)
        .contains("SameSite=Strict")
        .contains("HttpOnly")
        .as("the lab serves plain HTTP on loopback")
        .doesNotContain("Secure");

    Reply tasklist = browser().get("/camunda/app/tasklist/");
    assertThat(tasklist.headers("Set-Cookie"))
        .filteredOn(cookie -> cookie.startsWith("XSRF-TOKEN="))
        .singleElement()
        .asString()
        .contains("SameSite=Strict");
  }

  @Test
  void onlyHttpBasicSkipsTheCsrfCheck() {
    LoopbackClient admin = browser();
    assertThat(admin.formLogin("admin", "demo").header("Location")).endsWith("/switchman/runs");
    admin.get("/switchman/locks");
    Map<String, String> release =
        Map.of(
            "runbook",
            "dc-switchover",
            "target",
            "mediawiki",
            "runId",
            "no-such-run",
            "reason",
            "csrf check");

    Reply bearer =
        admin.postFormAsIs("/switchman/locks/release", release, "Authorization: Bearer x");
    assertThat(bearer.status())
        .as("a session without the token, whatever Authorization says")
        .isEqualTo(403);

    Reply withToken = admin.postForm("/switchman/locks/release", release);
    assertThat(withToken.status())
        .as("control: the same request with the token is handled")
        .isEqualTo(302);
    assertThat(withToken.header("Location")).endsWith("/switchman/locks");
  }

  @Test
  void theDiagramIsADownloadNeverRendered() {
    String run = runtime.startProcessInstanceByKey("four-eyes-check").getId();
    Reply diagram =
        browser()
            .get("/switchman/runs/" + run + "/diagram.bpmn", LoopbackClient.basic("carol", "demo"));
    assertThat(diagram.status()).isEqualTo(200);
    assertThat(diagram.header("Content-Disposition"))
        .startsWith("attachment")
        .contains("run-" + run + ".bpmn");
    assertThat(diagram.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(diagram.body()).contains("<bpmn:definitions").contains("four-eyes-check");
  }
}

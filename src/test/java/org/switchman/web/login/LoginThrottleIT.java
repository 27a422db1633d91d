package org.switchman.web.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.LoopbackClient;
import org.switchman.support.LoopbackClient.Reply;
import org.switchman.support.Rest;

/**
 * Failed logins are throttled per client address on every login path, with short settings (3
 * failures within 8 s). Each test plays its clients from loopback addresses of its own, so the app
 * sees them as different machines; users of their own (names no other test uses, as all tests of a
 * JVM share one database) keep the engine's short per-user lock out of the other tests.
 */
@AppWithDemoUsers
@TestPropertySource(
    properties = {"switchman.login-throttle.max-failures=3", "switchman.login-throttle.window=8s"})
class LoginThrottleIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;

  @org.springframework.beans.factory.annotation.Value("${switchman.data-dir}")
  java.nio.file.Path dataDir;

  @Autowired IdentityService identity;

  @Autowired Journal journal;

  @BeforeEach
  void users() {
    for (String id : List.of("mallory", "trent", "peggy", "victor")) {
      if (identity.createUserQuery().userId(id).count() == 0) {
        User user = identity.newUser(id);
        user.setPassword("demo");
        identity.saveUser(user);
        identity.createMembership(id, "operators");
      }
    }
  }

  private LoopbackClient from(String address) {
    return new LoopbackClient(address, port);
  }

  private static JsonNode json(Reply reply) throws Exception {
    return JSON.readTree(reply.body());
  }

  @Test
  void engineRestFailuresFromOneAddressAreThrottledWhileOtherAddressesLogIn() throws Exception {
    LoopbackClient attacker = from("127.0.0.2");
    long firstFailure = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      assertThat(
              attacker.get("/engine-rest/task", LoopbackClient.basic("mallory", "wrong")).status())
          .isEqualTo(401);
    }
    Reply refused = attacker.get("/engine-rest/task", LoopbackClient.basic("mallory", "wrong"));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 8L);
    assertThat(json(refused).get("type").asText()).isEqualTo("LoginThrottled");
    assertThat(json(refused).get("message").asText())
        .startsWith("Too many failed logins from 127.0.0.2");
    assertThat(attacker.get("/engine-rest/task", LoopbackClient.basic("trent", "demo")).status())
        .as("no password is checked from a throttled address")
        .isEqualTo(429);
    assertThat(attacker.get("/actuator/health").status())
        .as("requests without a login pass")
        .isEqualTo(200);

    assertThat(
            from("127.0.0.3")
                .get("/engine-rest/task", LoopbackClient.basic("trent", "demo"))
                .status())
        .as("another address logs in")
        .isEqualTo(200);

    // the engine locks mallory for 3 s after the first wrong password (the others came within it)
    Thread.sleep(Math.max(0, 3_500 - (System.nanoTime() - firstFailure) / 1_000_000));
    assertThat(attacker.get("/engine-rest/task", LoopbackClient.basic("mallory", "demo")).status())
        .as("mallory's right password from the throttled address")
        .isEqualTo(429);
    assertThat(
            from("127.0.0.3")
                .get("/engine-rest/task", LoopbackClient.basic("mallory", "demo"))
                .status())
        .as("mallory's right password from another address")
        .isEqualTo(200);
    refused = attacker.get("/engine-rest/task", LoopbackClient.basic("mallory", "demo"));
    assertThat(refused.status()).isEqualTo(429);

    Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 1000 + 500);
    assertThat(attacker.get("/engine-rest/task", LoopbackClient.basic("mallory", "demo")).status())
        .as("after the window the right password works: the account was not locked for good")
        .isEqualTo(200);

    String line =
        eventually(
            () ->
                opsLogLines("LOGIN_THROTTLED").stream()
                    .filter(detail -> detail.startsWith("127.0.0.2: 3 failed logins within 8s"))
                    .findFirst()
                    .orElse(null));
    assertThat(line).contains("users tried: mallory");
    assertThat(Files.readString(dataDir.resolve("ops.log")))
        .contains("system: login throttled: 127.0.0.2: 3 failed logins");
  }

  @Test
  void formLoginFailuresFromOneAddressAreThrottled() throws Exception {
    LoopbackClient attacker = from("127.0.0.4");
    for (int i = 0; i < 3; i++) {
      Reply failed = attacker.formLogin("peggy", "wrong");
      assertThat(failed.status()).isEqualTo(302);
      assertThat(failed.header("Location")).endsWith("/switchman/login?error");
    }
    Reply refused = attacker.formLogin("peggy", "wrong");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isNotEmpty();
    assertThat(refused.body()).startsWith("Too many failed logins from 127.0.0.4");

    Reply other = from("127.0.0.5").formLogin("carol", "demo");
    assertThat(other.status()).isEqualTo(302);
    assertThat(other.header("Location")).endsWith("/switchman/runs");

    Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 1000 + 500);
    Reply afterwards = attacker.formLogin("peggy", "demo");
    assertThat(afterwards.header("Location")).endsWith("/switchman/runs");
  }

  @Test
  void theWebappLoginPrometheusAndTheSwitchmanApiCountTogether() throws Exception {
    LoopbackClient attacker = from("127.0.0.6");
    attacker.get("/camunda/app/tasklist/");
    String xsrf = attacker.cookie("XSRF-TOKEN");
    assertThat(xsrf).as("the webapps' CSRF cookie").isNotNull();
    Reply webapp =
        attacker.postFormAsIs(
            "/camunda/api/admin/auth/user/default/login/tasklist",
            Map.of("username", "trent", "password", "wrong"),
            "X-XSRF-TOKEN: " + xsrf);
    assertThat(webapp.status()).isEqualTo(401);
    assertThat(
            attacker.get("/actuator/prometheus", LoopbackClient.basic("trent", "wrong")).status())
        .isEqualTo(401);
    assertThat(attacker.get("/switchman/api/runs", LoopbackClient.basic("trent", "wrong")).status())
        .isEqualTo(401);

    assertThat(attacker.get("/switchman/api/runs", LoopbackClient.basic("carol", "demo")).status())
        .isEqualTo(429);
    assertThat(
            attacker
                .postFormAsIs(
                    "/camunda/api/admin/auth/user/default/login/tasklist",
                    Map.of("username", "carol", "password", "demo"),
                    "X-XSRF-TOKEN: " + xsrf)
                .status())
        .isEqualTo(429);
  }

  @Test
  void anAdministratorUndoesAThrottleAndOthersMayNot() throws Exception {
    LoopbackClient attacker = from("127.0.0.7");
    for (int i = 0; i < 3; i++) {
      attacker.get("/engine-rest/task", LoopbackClient.basic("nobody", "guess"));
    }
    assertThat(attacker.get("/engine-rest/task", LoopbackClient.basic("trent", "demo")).status())
        .isEqualTo(429);

    String unlock = "{\"address\":\"127.0.0.7\",\"reason\":\"the build server, fixed\"}";
    assertThat(Rest.as(port, "carol", "demo").post("/switchman/api/logins/unlock", unlock).status())
        .isEqualTo(403);
    assertThat(Rest.as(port, "alice", "demo").post("/switchman/api/logins/unlock", unlock).status())
        .isEqualTo(403);
    assertThat(attacker.get("/engine-rest/task", LoopbackClient.basic("trent", "demo")).status())
        .as("still throttled")
        .isEqualTo(429);

    Rest.Reply done = Rest.as(port, "admin", "demo").post("/switchman/api/logins/unlock", unlock);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("wasLocked").asBoolean()).isTrue();
    assertThat(attacker.get("/engine-rest/task", LoopbackClient.basic("trent", "demo")).status())
        .isEqualTo(200);

    JournalEntry entry =
        journal.entriesOfRun(LoginsApi.JOURNAL_RUN).stream()
            .filter(e -> e.target().equals("address 127.0.0.7"))
            .findFirst()
            .orElseThrow();
    assertThat(entry.actor()).isEqualTo("admin");
    assertThat(entry.kind()).isEqualTo("LOGIN");
    assertThat(entry.outcome()).isEqualTo("UNLOCKED");
    assertThat(entry.output()).isEqualTo("the build server, fixed");
    assertThat(
            eventually(
                () ->
                    opsLogLines("LOGIN_UNLOCKED").stream()
                        .filter(detail -> detail.startsWith("address 127.0.0.7 unlocked"))
                        .findFirst()
                        .orElse(null)))
        .contains("the build server, fixed");
  }

  @Test
  void anAdministratorLiftsTheEngineLockOnAUser() throws Exception {
    assertThat(
            from("127.0.0.8")
                .get("/engine-rest/task", LoopbackClient.basic("victor", "wrong"))
                .status())
        .isEqualTo(401);
    assertThat(
            from("127.0.0.9")
                .get("/engine-rest/task", LoopbackClient.basic("victor", "demo"))
                .status())
        .as("the engine locks victor for a few seconds after a wrong password")
        .isEqualTo(401);

    Rest.Reply done =
        Rest.as(port, "admin", "demo")
            .post("/switchman/api/logins/unlock", "{\"user\":\"victor\"}");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("wasLocked").asBoolean()).isTrue();
    assertThat(
            from("127.0.0.10")
                .get("/engine-rest/task", LoopbackClient.basic("victor", "demo"))
                .status())
        .isEqualTo(200);
    assertThat(journal.entriesOfRun(LoginsApi.JOURNAL_RUN))
        .anySatisfy(
            entry -> {
              assertThat(entry.target()).isEqualTo("user victor");
              assertThat(entry.outcome()).isEqualTo("UNLOCKED");
            });

    // the engine's own unlock keeps working
    assertThat(
            from("127.0.0.11")
                .get("/engine-rest/task", LoopbackClient.basic("victor", "wrong"))
                .status())
        .isEqualTo(401);
    assertThat(Rest.as(port, "admin", "demo").post("/engine-rest/user/victor/unlock", "").status())
        .isEqualTo(204);
    assertThat(
            from("127.0.0.12")
                .get("/engine-rest/task", LoopbackClient.basic("victor", "demo"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void badUnlockRequestsAreNamed() {
    Rest admin = Rest.as(port, "admin", "demo");
    Rest.Reply neither = admin.post("/switchman/api/logins/unlock", "{}");
    assertThat(neither.status()).isEqualTo(400);
    assertThat(neither.json().get("message").asText()).contains("either \"address\"");
    assertThat(
            admin
                .post(
                    "/switchman/api/logins/unlock",
                    "{\"address\":\"127.0.0.1\",\"user\":\"victor\"}")
                .status())
        .isEqualTo(400);
    Rest.Reply badAddress =
        admin.post("/switchman/api/logins/unlock", "{\"address\":\"evil.example\"}");
    assertThat(badAddress.status()).isEqualTo(400);
    assertThat(badAddress.json().get("message").asText()).contains("'evil.example'");
    Rest.Reply unknown = admin.post("/switchman/api/logins/unlock", "{\"user\":\"nosuchuser\"}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("message").asText()).isEqualTo("There is no user nosuchuser");
    assertThat(
            Rest.anonymous(port)
                .post("/switchman/api/logins/unlock", "{\"user\":\"victor\"}")
                .status())
        .isEqualTo(401);
  }

  /** The details of the ops log lines of one kind, newest first. */
  private List<String> opsLogLines(String kind) {
    JsonNode page = Rest.as(port, "admin", "demo").get("/switchman/api/ops-log?limit=500").json();
    List<String> details = new java.util.ArrayList<>();
    page.get("events")
        .forEach(
            event -> {
              if (kind.equals(event.get("kind").asText())) {
                details.add(event.get("detail").asText());
              }
            });
    return details;
  }

  /** Polls until the supplier gives something (the ops log is written in the background). */
  private static <T> T eventually(Supplier<T> value) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      T found = value.get();
      if (found != null) {
        return found;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("nothing after 10 s");
  }
}

package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.process.jobs.NodeLockOwnerPlugin;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Rest;

/** The engine REST API and the actuator endpoints require the right users. */
@AppWithDemoUsers
class RestSecurityIT {

  @LocalServerPort int port;
  @Autowired NodeLockOwnerPlugin node;

  @Test
  void restWithoutCredentialsIsUnauthorized() {
    assertThat(Rest.anonymous(port).get("/engine-rest/process-definition").status()).isEqualTo(401);
    assertThat(Rest.anonymous(port).get("/engine-rest/task").status()).isEqualTo(401);
  }

  @Test
  void restWithWrongPasswordIsUnauthorized() {
    assertThat(Rest.as(port, "nobody", "guess").get("/engine-rest/task").status()).isEqualTo(401);
  }

  @Test
  void restWithCredentialsAnswers() {
    Rest.Reply reply =
        Rest.as(port, "alice", "demo").get("/engine-rest/process-definition?key=four-eyes-check");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().size()).isEqualTo(1);
  }

  @Test
  void formsAreDeployedWithTheProcesses() {
    Rest.Reply reply = Rest.as(port, "admin", "demo").get("/engine-rest/deployment");
    assertThat(reply.status()).isEqualTo(200);
    String deploymentId = reply.json().get(0).get("id").asText();
    Rest.Reply resources =
        Rest.as(port, "admin", "demo")
            .get("/engine-rest/deployment/" + deploymentId + "/resources");
    assertThat(resources.body())
        .contains("approval.form", "failure-decision.form", "four-eyes-check.bpmn");
  }

  @Test
  void anAuditorCannotStartARun() {
    Rest.Reply reply =
        Rest.as(port, "carol", "demo")
            .post("/engine-rest/process-definition/key/four-eyes-check/start", "{}");
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().get("type").asText()).isEqualTo("AuthorizationException");
  }

  @Test
  void anAuditorCanReadHistoryButAnApproverCannotStartARun() {
    assertThat(Rest.as(port, "carol", "demo").get("/engine-rest/history/process-instance").status())
        .isEqualTo(200);
    Rest.Reply reply =
        Rest.as(port, "bob", "demo")
            .post("/engine-rest/process-definition/key/four-eyes-check/start", "{}");
    assertThat(reply.status()).isEqualTo(403);
  }

  @Test
  void anOperatorCanStartARun() {
    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post("/engine-rest/process-definition/key/four-eyes-check/start", "{}");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("ended").asBoolean()).isFalse();
  }

  @Test
  void healthIsOpenAndPrometheusNeedsALogin() {
    Rest.Reply health = Rest.anonymous(port).get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("UP");

    assertThat(Rest.anonymous(port).get("/actuator/prometheus").status()).isEqualTo(401);
    Rest.Reply metrics = Rest.as(port, "carol", "demo").get("/actuator/prometheus");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    assertThat(metrics.body())
        .as("every metric names the node")
        .containsPattern(
            "jvm_memory_used_bytes\\{[^}]*node=\"" + Pattern.quote(node.nodeName()) + "\"")
        .containsPattern("process_uptime_seconds\\{[^}]*node=\"");
  }

  @Test
  void unknownPathsAreNotServed() {
    assertThat(Rest.anonymous(port).get("/no-such-page").status()).isIn(401, 403, 404);
  }
}

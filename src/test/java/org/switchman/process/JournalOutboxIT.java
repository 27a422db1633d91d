package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Rest;

/**
 * An approval whose journal entry cannot be written when it commits (another session holds the
 * journal's head, as a long append would) is still answered 204, and the retrying outbox writes its
 * {@code APPROVAL} entry once the journal can be written again.
 */
@AppWithDemoUsers
class JournalOutboxIT {

  private static final String GO = Rest.go("written later");

  @LocalServerPort int port;

  @Autowired Journal journal;

  @Autowired DataSource dataSource;

  private List<JournalEntry> approvals(String run) {
    return journal.entriesOfRun(run).stream().filter(e -> e.kind().equals("APPROVAL")).toList();
  }

  @Test
  void anApprovalIsAnsweredAndJournaledEvenWhenTheJournalCannotBeWrittenAtItsCommit()
      throws Exception {
    String run =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"outbox\"},\"ticket\":{\"value\":\"T5\"}}}")
            .json()
            .get("id")
            .asText();
    String task =
        Rest.as(port, "admin", "demo")
            .get(
                "/engine-rest/task?processInstanceId="
                    + run
                    + "&taskDefinitionKey=UserTask_FirstGate")
            .json()
            .get(0)
            .get("id")
            .asText();
    try (Connection other = dataSource.getConnection()) {
      other.setAutoCommit(false);
      try (Statement statement = other.createStatement()) {
        statement
            .executeQuery("SELECT LAST_SEQ FROM SWITCHMAN_JOURNAL_HEAD WHERE ID = 1 FOR UPDATE")
            .close();
      }
      Rest.Reply approved =
          Rest.as(port, "bob", "demo").post("/engine-rest/task/" + task + "/complete", GO);
      assertThat(approved.status()).as(approved.body()).isEqualTo(204);
      assertThat(approvals(run)).as("not written while the head is held").isEmpty();
      other.rollback();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (approvals(run).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(approvals(run))
        .singleElement()
        .satisfies(
            entry -> {
              assertThat(entry.actor()).isEqualTo("bob");
              assertThat(entry.outcome()).isEqualTo("GO");
              assertThat(entry.output()).isEqualTo("written later");
            });
    assertThat(journal.verifyRun(run).intact()).isTrue();
  }
}

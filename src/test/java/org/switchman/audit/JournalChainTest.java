package org.switchman.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JournalChainTest {

  private List<JournalEntry> chain;
  private String headHash;

  @BeforeEach
  void writeFiveEntries() {
    InMemoryJournal journal = new InMemoryJournal();
    for (int i = 1; i <= 5; i++) {
      journal.append(new JournalEntry.Draft("run-1", "ServiceTask_Step" + i, "alice", "live",
          "SSH_COMMAND", "mw100" + i + ".eqiad.wmnet", "systemctl restart php-fpm", "PERFORMED",
          "ok " + i, 12L, "SHA256:abc"));
    }
    chain = new ArrayList<>(journal.all());
    headHash = chain.get(4).hash();
  }

  private JournalVerification verify(List<JournalEntry> entries, long headSeq) {
    return JournalChain.verify(entries.iterator(), headSeq, headHash);
  }

  @Test
  void anUntouchedChainIsIntact() {
    assertThat(verify(chain, 5)).isEqualTo(JournalVerification.ok(5));
  }

  @Test
  void anEditedFieldIsFoundAtItsEntry() {
    JournalEntry third = chain.get(2);
    chain.set(2, new JournalEntry(third.seq(), third.at(), third.runId(), third.step(), "mallory",
        third.mode(), third.kind(), third.target(), third.action(), third.outcome(), third.output(),
        third.durationMillis(), third.hostKeyFingerprint(), third.previousHash(), third.hash()));
    JournalVerification result = verify(chain, 5);
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3);
    assertThat(result.problem()).contains("changed");
  }

  @Test
  void aRehashedEditStillBreaksTheNextLink() {
    JournalEntry third = chain.get(2);
    JournalEntry.Draft forged = new JournalEntry.Draft(third.runId(), third.step(), third.actor(),
        third.mode(), third.kind(), third.target(), third.action(), "PERFORMED", "forged output",
        third.durationMillis(), third.hostKeyFingerprint());
    String forgedHash = JournalChain.hashOf(3, JournalChain.micros(third.at()), forged, third.previousHash());
    chain.set(2, new JournalEntry(3, third.at(), third.runId(), third.step(), third.actor(),
        third.mode(), third.kind(), third.target(), third.action(), "PERFORMED", "forged output",
        third.durationMillis(), third.hostKeyFingerprint(), third.previousHash(), forgedHash));
    JournalVerification result = verify(chain, 5);
    assertThat(result.firstBrokenSeq()).isEqualTo(4);
    assertThat(result.problem()).contains("does not link");
  }

  @Test
  void aDeletedEntryIsNamed() {
    chain.remove(1);
    JournalVerification result = verify(chain, 5);
    assertThat(result.firstBrokenSeq()).isEqualTo(2);
    assertThat(result.problem()).isEqualTo("entry 2 is missing (next stored entry is 3)");
  }

  @Test
  void aDeletedTailIsFoundThroughTheHead() {
    chain.remove(4);
    JournalVerification result = verify(chain, 5);
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(5);
  }
}

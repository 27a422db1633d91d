package org.switchman.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JournalChainTest {

  private InMemoryJournal journal;
  private List<JournalEntry> chain;
  private JournalHead head;

  @BeforeEach
  void writeFiveEntries() {
    journal = new InMemoryJournal();
    for (int i = 1; i <= 5; i++) {
      journal.append(draft(i));
    }
    chain = new ArrayList<>(journal.all());
    head = journal.head();
  }

  private static JournalEntry.Draft draft(int i) {
    return new JournalEntry.Draft(
        "run-1",
        "ServiceTask_Step" + i,
        "alice",
        "live",
        "SSH_COMMAND",
        "mw100" + i + ".eqiad.wmnet",
        "systemctl restart php-fpm",
        "PERFORMED",
        "ok " + i,
        12L,
        "SHA256:abc");
  }

  private JournalVerification verify(List<JournalEntry> entries, long headSeq) {
    return journal.chain().verify(entries.iterator(), new JournalHead(headSeq, head.hash()));
  }

  private static JournalEntry withActor(JournalEntry e, String actor) {
    return new JournalEntry(
        e.seq(),
        e.at(),
        e.runId(),
        e.step(),
        actor,
        e.mode(),
        e.kind(),
        e.target(),
        e.action(),
        e.outcome(),
        e.output(),
        e.durationMillis(),
        e.hostKeyFingerprint(),
        e.previousHash(),
        e.hash(),
        e.scheme());
  }

  private static JournalEntry rehashed(
      JournalEntry e, String previousHash, String hash, String scheme) {
    return new JournalEntry(
        e.seq(),
        e.at(),
        e.runId(),
        e.step(),
        e.actor(),
        e.mode(),
        e.kind(),
        e.target(),
        e.action(),
        e.outcome(),
        e.output(),
        e.durationMillis(),
        e.hostKeyFingerprint(),
        previousHash,
        hash,
        scheme);
  }

  @Test
  void anUntouchedChainIsIntact() {
    assertThat(verify(chain, 5)).isEqualTo(JournalVerification.ok(5, 5));
    assertThat(chain).allMatch(e -> e.scheme().equals(JournalChain.KEYED));
  }

  @Test
  void anEditedFieldIsFoundAtItsEntry() {
    chain.set(2, withActor(chain.get(2), "mallory"));
    JournalVerification result = verify(chain, 5);
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3);
    assertThat(result.problem()).contains("changed");
  }

  @Test
  void anotherKeyFailsAtTheFirstEntry() {
    JournalChain otherKey = JournalChain.keyed(InMemoryJournal.randomKey());
    JournalVerification result = otherKey.verify(chain.iterator(), head);
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(1);
    assertThat(result.problem())
        .isEqualTo(
            "entry 1 does not match its keyed hash: it was changed"
                + " after it was written, or written with another key");
  }

  @Test
  void aChainRewrittenWithPlainSha256OrAnotherKeyIsFound() {
    JournalChain forger = JournalChain.keyed(InMemoryJournal.randomKey());
    for (boolean plain : new boolean[] {true, false}) {
      List<JournalEntry> forged = new ArrayList<>();
      String previous = JournalChain.GENESIS;
      for (JournalEntry e : chain) {
        JournalEntry edited = e.seq() == 3 ? withActor(e, "mallory") : e;
        long micros = JournalChain.micros(e.at());
        String hash =
            plain
                ? JournalChain.unkeyedHashOf(
                    e.seq(), micros, JournalChain.draftOf(edited), previous)
                : forger.hashOf(e.seq(), micros, JournalChain.draftOf(edited), previous);
        forged.add(
            rehashed(edited, previous, hash, plain ? JournalChain.UNKEYED : JournalChain.KEYED));
        previous = hash;
      }
      JournalVerification result =
          journal.chain().verify(forged.iterator(), new JournalHead(5, previous));
      assertThat(result.intact()).isFalse();
      assertThat(result.firstBrokenSeq()).isEqualTo(1);
    }
  }

  @Test
  void unkeyedEntriesCountOnlyBeforeAKeyedSeal() {
    JournalChain chainRules = journal.chain();
    List<JournalEntry> old = new ArrayList<>();
    String previous = JournalChain.GENESIS;
    Instant at = Instant.parse("2026-11-01T00:00:00Z");
    for (int i = 1; i <= 3; i++) {
      JournalEntry.Draft d = draft(i);
      String hash = JournalChain.unkeyedHashOf(i, JournalChain.micros(at), d, previous);
      old.add(
          new JournalEntry(
              i,
              at,
              d.runId(),
              d.step(),
              d.actor(),
              d.mode(),
              d.kind(),
              d.target(),
              d.action(),
              d.outcome(),
              d.output(),
              d.durationMillis(),
              d.hostKeyFingerprint(),
              previous,
              hash,
              JournalChain.UNKEYED));
      previous = hash;
    }
    JournalVerification unsealed = chainRules.verify(old.iterator(), new JournalHead(3, previous));
    assertThat(unsealed.intact()).isFalse();
    assertThat(unsealed.firstBrokenSeq()).isEqualTo(1);
    assertThat(unsealed.problem()).contains("without the journal key and no keyed seal follows it");

    JournalEntry.Draft sealDraft = JournalChain.sealDraft(3);
    String sealHash = chainRules.hashOf(4, JournalChain.micros(at), sealDraft, previous);
    JournalEntry seal =
        new JournalEntry(
            4,
            at,
            sealDraft.runId(),
            sealDraft.step(),
            sealDraft.actor(),
            sealDraft.mode(),
            sealDraft.kind(),
            sealDraft.target(),
            sealDraft.action(),
            sealDraft.outcome(),
            null,
            null,
            null,
            previous,
            sealHash,
            JournalChain.KEYED);
    List<JournalEntry> sealed = new ArrayList<>(old);
    sealed.add(seal);
    assertThat(chainRules.verify(sealed.iterator(), new JournalHead(4, sealHash)))
        .isEqualTo(JournalVerification.ok(4, 4));
    assertThat(chainRules.verifyRun(old, seq -> sealed.get((int) seq - 1).hash(), seal).intact())
        .isTrue();
    assertThat(chainRules.verifyRun(old, seq -> sealed.get((int) seq - 1).hash(), null).intact())
        .isFalse();

    // an edit of a sealed unkeyed entry, rehashed with SHA-256 up to the seal, breaks at the seal
    List<JournalEntry> edited = new ArrayList<>();
    String prev = JournalChain.GENESIS;
    for (JournalEntry e : old) {
      JournalEntry changed = e.seq() == 2 ? withActor(e, "mallory") : e;
      String hash =
          JournalChain.unkeyedHashOf(
              e.seq(), JournalChain.micros(at), JournalChain.draftOf(changed), prev);
      edited.add(rehashed(changed, prev, hash, JournalChain.UNKEYED));
      prev = hash;
    }
    edited.add(seal);
    JournalVerification result = chainRules.verify(edited.iterator(), new JournalHead(4, sealHash));
    assertThat(result.firstBrokenSeq()).isEqualTo(4);
    assertThat(result.problem()).contains("does not link");
  }

  @Test
  void keyedEntriesDowngradedToUnkeyedAreNotAccepted() {
    List<JournalEntry> downgraded = new ArrayList<>(chain.subList(0, 2));
    String previous = chain.get(1).hash();
    for (JournalEntry e : chain.subList(2, 5)) {
      String hash =
          JournalChain.unkeyedHashOf(
              e.seq(), JournalChain.micros(e.at()), JournalChain.draftOf(e), previous);
      downgraded.add(rehashed(e, previous, hash, JournalChain.UNKEYED));
      previous = hash;
    }
    JournalVerification result =
        journal.chain().verify(downgraded.iterator(), new JournalHead(5, previous));
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3);
  }

  @Test
  void aShortKeyIsRefused() {
    assertThatThrownBy(() -> JournalChain.keyed(new byte[16]))
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void aRehashedEditStillBreaksTheNextLink() {
    JournalEntry third = chain.get(2);
    JournalEntry forged = withActor(third, "mallory");
    String forgedHash =
        journal
            .chain()
            .hashOf(
                3,
                JournalChain.micros(third.at()),
                JournalChain.draftOf(forged),
                third.previousHash());
    chain.set(2, rehashed(forged, third.previousHash(), forgedHash, JournalChain.KEYED));
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

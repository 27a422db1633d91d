package org.switchman.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** A journal in a list, for unit tests of code that journals. Same chain rules as the real one. */
public class InMemoryJournal implements Journal {

  private final List<JournalEntry> entries = new ArrayList<>();

  @Override
  public synchronized JournalEntry append(JournalEntry.Draft d) {
    long seq = entries.size() + 1;
    String previous = entries.isEmpty() ? JournalChain.GENESIS : entries.get(entries.size() - 1).hash();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String hash = JournalChain.hashOf(seq, JournalChain.micros(at), d, previous);
    JournalEntry entry = new JournalEntry(seq, at, d.runId(), d.step(), d.actor(), d.mode(), d.kind(),
        d.target(), d.action(), d.outcome(), d.output(), d.durationMillis(), d.hostKeyFingerprint(),
        previous, hash);
    entries.add(entry);
    return entry;
  }

  public synchronized List<JournalEntry> all() {
    return List.copyOf(entries);
  }

  @Override
  public synchronized List<JournalEntry> entriesOfRun(String runId) {
    return entries.stream().filter(e -> e.runId().equals(runId)).toList();
  }

  @Override
  public synchronized JournalVerification verify() {
    String head = entries.isEmpty() ? JournalChain.GENESIS : entries.get(entries.size() - 1).hash();
    return JournalChain.verify(new ArrayList<>(entries).iterator(), entries.size(), head);
  }

  @Override
  public synchronized JournalVerification verifyRun(String runId) {
    return JournalChain.verifyRun(entriesOfRun(runId), seq -> entries.stream()
        .filter(e -> e.seq() == seq).map(JournalEntry::hash).findFirst().orElse(null));
  }
}

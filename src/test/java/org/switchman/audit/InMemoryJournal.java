package org.switchman.audit;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A journal in a list, for unit tests of code that journals. Same chain rules as the real one,
 * keyed with a random key unless one is given.
 */
public class InMemoryJournal implements Journal {

  private final List<JournalEntry> entries = new ArrayList<>();
  private final JournalChain chain;

  public InMemoryJournal() {
    this(JournalChain.keyed(randomKey()));
  }

  public InMemoryJournal(JournalChain chain) {
    this.chain = chain;
  }

  public static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  public JournalChain chain() {
    return chain;
  }

  @Override
  public synchronized JournalEntry append(JournalEntry.Draft d) {
    long seq = entries.size() + 1;
    String previous =
        entries.isEmpty() ? JournalChain.GENESIS : entries.get(entries.size() - 1).hash();
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String hash = chain.hashOf(seq, JournalChain.micros(at), d, previous);
    JournalEntry entry =
        new JournalEntry(
            seq,
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
            JournalChain.KEYED,
            d.idempotencyKey());
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
  public synchronized Optional<JournalEntry> entry(long seq) {
    return entries.stream().filter(e -> e.seq() == seq).findFirst();
  }

  @Override
  public synchronized JournalHead head() {
    return entries.isEmpty()
        ? new JournalHead(0, JournalChain.GENESIS)
        : new JournalHead(entries.size(), entries.get(entries.size() - 1).hash());
  }

  @Override
  public synchronized JournalVerification verify(boolean full) {
    return chain.verify(new ArrayList<>(entries).iterator(), head());
  }

  @Override
  public synchronized JournalVerification verifyRun(String runId) {
    return chain.verifyRun(
        entriesOfRun(runId), seq -> entry(seq).map(JournalEntry::hash).orElse(null), null);
  }
}

package org.switchman.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * The hash chain rules: how an entry's hash is computed and how a sequence of entries is checked.
 * Pure functions, shared by every journal store.
 */
public final class JournalChain {

  /** The "previous hash" of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  private JournalChain() {}

  /**
   * SHA-256 over every field but the hash itself, each written as {@code length:value} (or
   * {@code -} for null) so that no two different entries serialize alike.
   */
  public static String hashOf(long seq, long atMicros, JournalEntry.Draft d, String previousHash) {
    StringBuilder canonical = new StringBuilder(256);
    field(canonical, Long.toString(seq));
    field(canonical, Long.toString(atMicros));
    field(canonical, d.runId());
    field(canonical, d.step());
    field(canonical, d.actor());
    field(canonical, d.mode());
    field(canonical, d.kind());
    field(canonical, d.target());
    field(canonical, d.action());
    field(canonical, d.outcome());
    field(canonical, d.output());
    field(canonical, d.durationMillis() == null ? null : d.durationMillis().toString());
    field(canonical, d.hostKeyFingerprint());
    field(canonical, previousHash);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The hash an entry should carry, recomputed from its fields. */
  public static String expectedHash(JournalEntry e) {
    return hashOf(e.seq(), micros(e.at()), draftOf(e), e.previousHash());
  }

  /** Microseconds since the epoch: the stored and hashed precision of entry times. */
  public static long micros(java.time.Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
  }

  /** The instant of a stored microsecond count; the inverse of {@link #micros}. */
  public static java.time.Instant instantOfMicros(long micros) {
    return java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  public static JournalEntry.Draft draftOf(JournalEntry e) {
    return new JournalEntry.Draft(e.runId(), e.step(), e.actor(), e.mode(), e.kind(), e.target(),
        e.action(), e.outcome(), e.output(), e.durationMillis(), e.hostKeyFingerprint());
  }

  /**
   * Checks a whole chain in seq order: seq without gaps from 1, each link, each hash, and that the
   * last entry is the one the journal's head records (so a deleted tail is found too).
   *
   * @param headSeq the seq the journal's head says was written last (0 for an empty journal)
   * @param headHash the hash the head records for it
   */
  public static JournalVerification verify(Iterator<JournalEntry> entries, long headSeq, String headHash) {
    long expectedSeq = 1;
    String previousHash = GENESIS;
    long checked = 0;
    while (entries.hasNext()) {
      JournalEntry entry = entries.next();
      checked++;
      if (entry.seq() != expectedSeq) {
        return JournalVerification.broken(checked, expectedSeq,
            "entry " + expectedSeq + " is missing (next stored entry is " + entry.seq() + ")");
      }
      if (!previousHash.equals(entry.previousHash())) {
        return JournalVerification.broken(checked, entry.seq(),
            "entry " + entry.seq() + " does not link to the entry before it");
      }
      if (!expectedHash(entry).equals(entry.hash())) {
        return JournalVerification.broken(checked, entry.seq(),
            "entry " + entry.seq() + " was changed after it was written");
      }
      previousHash = entry.hash();
      expectedSeq++;
    }
    long last = expectedSeq - 1;
    if (last != headSeq || (headSeq > 0 && !Objects.equals(previousHash, headHash))) {
      return JournalVerification.broken(checked, last + 1,
          "the journal ends at entry " + last + " but entry " + headSeq + " was written");
    }
    return JournalVerification.ok(checked);
  }

  /**
   * Checks one run's entries: each entry's hash, and its link to the entry before it in the whole
   * chain (which may belong to another run).
   *
   * @param hashOfSeq the stored hash of an entry by seq, or {@code null} when it is missing
   */
  public static JournalVerification verifyRun(List<JournalEntry> entries, LongFunction<String> hashOfSeq) {
    long checked = 0;
    for (JournalEntry entry : entries) {
      checked++;
      if (!expectedHash(entry).equals(entry.hash())) {
        return JournalVerification.broken(checked, entry.seq(),
            "entry " + entry.seq() + " was changed after it was written");
      }
      String predecessorHash = entry.seq() == 1 ? GENESIS : hashOfSeq.apply(entry.seq() - 1);
      if (predecessorHash == null) {
        return JournalVerification.broken(checked, entry.seq() - 1,
            "entry " + (entry.seq() - 1) + " before this run's entry " + entry.seq() + " is missing");
      }
      if (!predecessorHash.equals(entry.previousHash())) {
        return JournalVerification.broken(checked, entry.seq(),
            "entry " + entry.seq() + " does not link to the entry before it");
      }
    }
    return JournalVerification.ok(checked);
  }

  private static void field(StringBuilder out, String value) {
    if (value == null) {
      out.append('-');
    } else {
      out.append(value.length()).append(':').append(value);
    }
    out.append('|');
  }
}

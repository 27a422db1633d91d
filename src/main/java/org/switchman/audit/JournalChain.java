package org.switchman.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash chain rules: how an entry's hash is computed and how a sequence of entries is checked.
 * Shared by every journal store.
 *
 * <p>Every entry written now is hashed with HMAC-SHA256 under a key that is kept outside the
 * database ({@link #KEYED}), so whoever can write the database but does not hold the key cannot
 * recompute the hashes after an edit. Entries written before the journal had a key carry a plain
 * SHA-256 hash ({@link #UNKEYED}). Such entries count as intact only when a keyed <em>seal</em>
 * entry ({@link #sealDraft}) follows them: the seal links to the last unkeyed entry, so its keyed
 * hash fixes the whole unkeyed prefix as it was when it was sealed. Unkeyed entries that no seal
 * follows are reported as broken, never taken for keyed ones.
 */
public final class JournalChain {

  /** The "previous hash" of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  /** The scheme of every entry written now: HMAC-SHA256 under the journal key. */
  public static final String KEYED = "hmac-sha256";

  /** The scheme of entries written before the journal had a key: plain SHA-256. */
  public static final String UNKEYED = "sha256";

  /**
   * The outcome of the keyed entry (kind {@code CHAIN}) that seals the unkeyed entries before it.
   */
  public static final String SEAL_OUTCOME = "SEALED";

  /** The shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  private final SecretKeySpec key;

  private JournalChain(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /**
   * The chain rules under a key.
   *
   * @param key at least {@value #MIN_KEY_BYTES} bytes; the journal's key file
   * @throws IllegalArgumentException when the key is too short
   */
  public static JournalChain keyed(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the journal key must have at least " + MIN_KEY_BYTES + " bytes");
    }
    return new JournalChain(Arrays.copyOf(key, key.length));
  }

  /** The keyed hash of an entry to be written: HMAC-SHA256 over {@link #canonical} form. */
  public String hashOf(long seq, long atMicros, JournalEntry.Draft d, String previousHash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of()
          .formatHex(
              mac.doFinal(
                  (KEYED + "|" + canonical(seq, atMicros, d, previousHash))
                      .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** The hash of an entry written before the journal had a key: SHA-256, no key. */
  public static String unkeyedHashOf(
      long seq, long atMicros, JournalEntry.Draft d, String previousHash) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(
              sha.digest(
                  canonical(seq, atMicros, d, previousHash).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Every field but the hash itself, each written as {@code length:value} (or {@code -} for null)
   * so that no two different entries serialize alike. The idempotency key comes last and only when
   * an entry has one: entries written before keys existed, and entries that carry none, hash
   * exactly as they always did, so old chains verify unchanged; with a key the serialization has
   * one more field, so adding, removing or editing a key breaks the entry's hash.
   */
  private static String canonical(
      long seq, long atMicros, JournalEntry.Draft d, String previousHash) {
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
    if (d.idempotencyKey() != null) {
      field(canonical, d.idempotencyKey());
    }
    return canonical.toString();
  }

  /** The hash an entry should carry under its scheme, or {@code null} for an unknown scheme. */
  public String expectedHash(JournalEntry e) {
    if (KEYED.equals(e.scheme())) {
      return hashOf(e.seq(), micros(e.at()), draftOf(e), e.previousHash());
    }
    if (UNKEYED.equals(e.scheme())) {
      return unkeyedHashOf(e.seq(), micros(e.at()), draftOf(e), e.previousHash());
    }
    return null;
  }

  /**
   * The entry that seals the unkeyed entries {@code 1..lastUnkeyedSeq}: written with the key, it
   * links to the last unkeyed entry.
   */
  public static JournalEntry.Draft sealDraft(long lastUnkeyedSeq) {
    return JournalKind.CHAIN.entry(
        new JournalEntry.Origin("journal", "journal-key", JournalEntry.SYSTEM, "-"),
        "journal",
        "entries 1 to "
            + lastUnkeyedSeq
            + " were written without the journal key (SHA-256);"
            + " from here on every entry is keyed (HMAC-SHA256)",
        SEAL_OUTCOME,
        null);
  }

  /** Whether an entry is a keyed seal whose hash checks out under this key. */
  public boolean isValidSeal(JournalEntry e) {
    return e != null
        && KEYED.equals(e.scheme())
        && e.is(JournalKind.CHAIN)
        && SEAL_OUTCOME.equals(e.outcome())
        && Objects.equals(expectedHash(e), e.hash());
  }

  /** Microseconds since the epoch: the stored and hashed precision of entry times. */
  public static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
  }

  /** The instant of a stored microsecond count; the inverse of {@link #micros}. */
  public static Instant instantOfMicros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  public static JournalEntry.Draft draftOf(JournalEntry e) {
    return new JournalEntry.Draft(
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
        e.idempotencyKey());
  }

  /**
   * Where a check of the whole chain stands after the entries it has accepted: the last one, and
   * the first unkeyed entry no seal has vouched for yet. A pass can resume from a checkpoint, so
   * that a later check reads only the entries written since.
   *
   * @param seq the last entry found intact (0 before the first)
   * @param hash its hash
   * @param firstUnsealedSeq the first unkeyed entry that no seal follows yet, or {@code null}
   */
  public record Checkpoint(long seq, String hash, Long firstUnsealedSeq) {
    public static final Checkpoint START = new Checkpoint(0, GENESIS, null);
  }

  /**
   * A check of the chain in seq order, entry by entry, so that no store needs all entries at once.
   */
  public final class Pass {
    private long expectedSeq;
    private String previousHash;
    private Long firstUnsealed;
    private long checked;
    private JournalVerification broken;

    private Pass(Checkpoint from) {
      this.expectedSeq = from.seq() + 1;
      this.previousHash = from.hash();
      this.firstUnsealed = from.firstUnsealedSeq();
    }

    /** Checks the next entry; {@code false} once the chain is broken (stop reading then). */
    public boolean accept(JournalEntry entry) {
      if (broken != null) {
        return false;
      }
      checked++;
      if (entry.seq() != expectedSeq) {
        return fail(
            expectedSeq,
            "entry " + expectedSeq + " is missing (next stored entry is " + entry.seq() + ")");
      }
      if (!previousHash.equals(entry.previousHash())) {
        return fail(entry.seq(), "entry " + entry.seq() + " does not link to the entry before it");
      }
      String expected = expectedHash(entry);
      if (expected == null) {
        return fail(
            entry.seq(),
            "entry " + entry.seq() + " has an unknown hash scheme '" + entry.scheme() + "'");
      }
      if (!expected.equals(entry.hash())) {
        return fail(
            entry.seq(),
            KEYED.equals(entry.scheme())
                ? "entry "
                    + entry.seq()
                    + " does not match its keyed hash: it was changed after it"
                    + " was written, or written with another key"
                : "entry " + entry.seq() + " was changed after it was written");
      }
      if (UNKEYED.equals(entry.scheme())) {
        if (firstUnsealed == null) {
          firstUnsealed = entry.seq();
        }
      } else if (firstUnsealed != null) {
        if (!isValidSeal(entry)) {
          return fail(firstUnsealed, unsealed(firstUnsealed));
        }
        firstUnsealed = null;
      }
      previousHash = entry.hash();
      expectedSeq++;
      return true;
    }

    /**
     * The result, once every entry up to the head has been accepted: the last entry must be the one
     * the journal's head records (so a deleted tail is found too), and no unkeyed entry may be left
     * without a seal.
     */
    public JournalVerification finish(JournalHead head) {
      if (broken != null) {
        return broken;
      }
      long last = expectedSeq - 1;
      if (last != head.seq() || (head.seq() > 0 && !Objects.equals(previousHash, head.hash()))) {
        return JournalVerification.broken(
            checked,
            last + 1,
            "the journal ends at entry " + last + " but entry " + head.seq() + " was written");
      }
      if (firstUnsealed != null) {
        return JournalVerification.broken(checked, firstUnsealed, unsealed(firstUnsealed));
      }
      return JournalVerification.ok(checked, last);
    }

    /** Where this pass stands; meaningful after an intact {@link #finish}. */
    public Checkpoint checkpoint() {
      return new Checkpoint(expectedSeq - 1, previousHash, firstUnsealed);
    }

    private boolean fail(long seq, String problem) {
      broken = JournalVerification.broken(checked, seq, problem);
      return false;
    }
  }

  private static String unsealed(long seq) {
    return "entry " + seq + " was written without the journal key and no keyed seal follows it";
  }

  /** A pass that starts at a checkpoint ({@link Checkpoint#START} for the whole chain). */
  public Pass pass(Checkpoint from) {
    return new Pass(from);
  }

  /** Checks a whole chain in seq order against the journal's head. */
  public JournalVerification verify(Iterator<JournalEntry> entries, JournalHead head) {
    Pass pass = pass(Checkpoint.START);
    while (entries.hasNext() && pass.accept(entries.next())) {
      // every entry is checked as it is read
    }
    return pass.finish(head);
  }

  /**
   * Checks one run's entries: each entry's hash, and its link to the entry before it in the whole
   * chain (which may belong to another run). An unkeyed entry counts only when a valid seal with a
   * later seq exists; the links between it and the seal are checked by the whole-chain check.
   *
   * @param hashOfSeq the stored hash of an entry by seq, or {@code null} when it is missing
   * @param seal the journal's seal entry, or {@code null} when it has none
   */
  public JournalVerification verifyRun(
      List<JournalEntry> entries, LongFunction<String> hashOfSeq, JournalEntry seal) {
    long checked = 0;
    long last = 0;
    for (JournalEntry entry : entries) {
      checked++;
      String expected = expectedHash(entry);
      if (expected == null || !expected.equals(entry.hash())) {
        return JournalVerification.broken(
            checked,
            entry.seq(),
            KEYED.equals(entry.scheme())
                ? "entry "
                    + entry.seq()
                    + " does not match its keyed hash: it was changed after it"
                    + " was written, or written with another key"
                : "entry " + entry.seq() + " was changed after it was written");
      }
      if (UNKEYED.equals(entry.scheme()) && (!isValidSeal(seal) || seal.seq() <= entry.seq())) {
        return JournalVerification.broken(checked, entry.seq(), unsealed(entry.seq()));
      }
      String predecessorHash = entry.seq() == 1 ? GENESIS : hashOfSeq.apply(entry.seq() - 1);
      if (predecessorHash == null) {
        return JournalVerification.broken(
            checked,
            entry.seq() - 1,
            "entry "
                + (entry.seq() - 1)
                + " before this run's entry "
                + entry.seq()
                + " is missing");
      }
      if (!predecessorHash.equals(entry.previousHash())) {
        return JournalVerification.broken(
            checked, entry.seq(), "entry " + entry.seq() + " does not link to the entry before it");
      }
      last = entry.seq();
    }
    return JournalVerification.ok(checked, last);
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

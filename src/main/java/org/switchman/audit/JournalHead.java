package org.switchman.audit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last entry of the journal: its seq and hash. Published at every run end (ops log and its
 * webhook) and shown in run reports, so that a copy lives outside the database: if the journal is
 * rewritten later, entry {@code seq} no longer carries {@code hash}.
 *
 * @param seq the last entry's seq, 0 for an empty journal
 * @param hash its hash ({@link JournalChain#GENESIS} for an empty journal)
 */
public record JournalHead(long seq, String hash) {

  private static final Pattern TEXT = Pattern.compile("seq=(\\d+) hash=([0-9a-f]{64})");

  /** The head as published: {@code seq=123 hash=ab12…} (the whole hash). */
  @Override
  public String toString() {
    return "seq=" + seq + " hash=" + hash;
  }

  /** Reads a head back from text that contains {@link #toString()}'s form. */
  public static Optional<JournalHead> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = TEXT.matcher(text);
    return m.find()
        ? Optional.of(new JournalHead(Long.parseLong(m.group(1)), m.group(2)))
        : Optional.empty();
  }
}

package org.switchman.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.switchman.audit.JournalChain;

/**
 * The journal's HMAC key, read once at startup from the file named by {@code
 * switchman.journal.key-file} ({@code SWITCHMAN_JOURNAL_KEY_FILE}): its first line, at least
 * {@value JournalChain#MIN_KEY_BYTES} bytes (for example {@code openssl rand -hex 32}). The key
 * lives outside the database, so that whoever can write the database cannot recompute the chain.
 * Outside the lab profile the application refuses to start without it; the lab generates one in its
 * own directory ({@code <data-dir>/lab/journal.key}, mode 0600) and keeps it across restarts.
 */
public final class JournalKey {

  private static final String SETTING = "SWITCHMAN_JOURNAL_KEY_FILE (switchman.journal.key-file)";

  private JournalKey() {}

  /**
   * @param keyFile the configured key file, or {@code null}
   * @param dataDir the data directory, where the lab keeps its key
   * @param lab whether the lab profile is active
   * @return the key's bytes
   * @throws IllegalStateException naming the setting when the key is missing, unreadable or short
   */
  public static byte[] resolve(Path keyFile, Path dataDir, boolean lab) {
    if (keyFile == null) {
      if (!lab) {
        throw new IllegalStateException(
            "No journal key is configured. Set "
                + SETTING
                + " to a file that holds the key of the audit journal's hash chain (at least "
                + JournalChain.MIN_KEY_BYTES
                + " bytes on its first line, e.g. made with"
                + " 'openssl rand -hex 32'), kept outside the database, or start the 'lab' profile.");
      }
      keyFile = dataDir.resolve("lab").resolve("journal.key");
      if (!Files.exists(keyFile)) {
        generate(keyFile);
      }
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(keyFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read the journal key file " + keyFile + " (" + SETTING + "): " + e.getMessage(),
          e);
    }
    byte[] key =
        lines.isEmpty() ? new byte[0] : lines.get(0).strip().getBytes(StandardCharsets.UTF_8);
    if (key.length < JournalChain.MIN_KEY_BYTES) {
      throw new IllegalStateException(
          "The journal key file "
              + keyFile
              + " ("
              + SETTING
              + ") must hold at least "
              + JournalChain.MIN_KEY_BYTES
              + " bytes on its first line.");
    }
    SecretFiles.requirePrivate(SETTING, keyFile);
    return key;
  }

  /** Writes a new random key (64 hex digits) to a file only its owner can read (0600). */
  public static void generate(Path keyFile) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    try {
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(keyFile, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException another) {
      // made meanwhile by another start: keep it
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot write the journal key file " + keyFile + ": " + e.getMessage(), e);
    }
  }
}

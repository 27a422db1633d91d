package org.switchman.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets (SSH key, TSIG key, database and administrator passwords) must be private
 * to the account that runs Switchman, as {@code ssh} demands of its keys.
 */
public final class SecretFiles {

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private SecretFiles() {}

  /**
   * Refuses a secret file that its group or others may access. On a file system without POSIX
   * permissions there is nothing to check.
   *
   * @param setting the property that names the file, for the message
   * @throws IllegalStateException naming the setting, the file, its mode and the fix
   */
  public static void requirePrivate(String setting, Path file) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException noPosix) {
      return;
    } catch (IOException e) {
      throw new IllegalStateException(
          setting + " names " + file + ", which cannot be read: " + e.getMessage(), e);
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(permissions);
    open.retainAll(GROUP_OR_OTHERS);
    if (!open.isEmpty()) {
      throw new IllegalStateException(
          setting
              + " names "
              + file
              + ", which holds a secret but is"
              + " open to its group or others ("
              + PosixFilePermissions.toString(permissions)
              + "). Make it private to the account running Switchman: chmod 600 "
              + file);
    }
  }
}

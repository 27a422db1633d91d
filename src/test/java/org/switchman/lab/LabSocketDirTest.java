package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LabSocketDirTest {

  @Test
  void aDeepLabDirectoryGetsAShortSocketDirectoryOfItsOwn() {
    Path deep = Path.of("/work/" + "a".repeat(60) + "/" + "b".repeat(60) + "/switchman/data/lab");
    Path other = deep.resolveSibling("lab2");

    Path sockets = LabSocketDir.of(deep);

    assertThat(sockets.getParent()).isEqualTo(Path.of("/tmp"));
    String longest = sockets.resolve("mysql-es5-codfw.sock").toString();
    assertThat(longest.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
    assertThat(LabSocketDir.of(deep)).isEqualTo(sockets);
    assertThat(LabSocketDir.of(other)).isNotEqualTo(sockets);
  }

  @Test
  void createsTheDirectoryForItsOwnerOnlyAndRefusesASecondLabInTheSameDirectory() throws Exception {
    Path labDir = Path.of("/nonexistent/lab-" + UUID.randomUUID());
    Path dir = LabSocketDir.of(labDir);
    try {
      LabSocketDir.create(dir, labDir);

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      assertThat(LabSocketDir.stale(dir)).isFalse();
      assertThatThrownBy(() -> LabSocketDir.create(dir, labDir))
          .isInstanceOf(LabException.class)
          .hasMessageStartingWith(
              "a lab in " + labDir + " is already running (pid " + ProcessHandle.current().pid());
      assertThat(dir).isDirectory();
    } finally {
      LabFiles.deleteTree(dir);
    }
  }

  @Test
  void theDirectoryOfALabWhoseProcessIsGoneIsRemovedByTheNextStart() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path labDir = Path.of("/nonexistent/lab-" + UUID.randomUUID());
    Path dir = LabSocketDir.of(labDir);
    try {
      Files.createDirectory(dir);
      Files.writeString(
          dir.resolve("owner"),
          "pid "
              + gone.pid()
              + "\n"
              + gone.info().startInstant().map(i -> i.toEpochMilli()).orElse(1L)
              + "\n"
              + labDir);
      Files.writeString(dir.resolve("mysql-s1-eqiad.sock"), "");
      assertThat(LabSocketDir.stale(dir)).isTrue();

      LabSocketDir.create(dir, labDir);

      assertThat(dir.resolve("mysql-s1-eqiad.sock")).doesNotExist();
      assertThat(Files.readString(dir.resolve("owner")))
          .startsWith("pid " + ProcessHandle.current().pid() + "\n");
    } finally {
      LabFiles.deleteTree(dir);
    }
  }
}

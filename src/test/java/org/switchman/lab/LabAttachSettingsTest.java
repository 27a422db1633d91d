package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class LabAttachSettingsTest {

  @Test
  void theEnvFileIsTheSettingElseTheLabDirElseTheDataDirsLab() {
    MockEnvironment env = new MockEnvironment().withProperty("switchman.data-dir", "/srv/sw");
    assertThat(LabAttachSettings.envFile(env)).isEqualTo(Path.of("/srv/sw/lab/lab.env"));
    env.setProperty("switchman.lab.dir", "/tmp/other-lab");
    assertThat(LabAttachSettings.envFile(env)).isEqualTo(Path.of("/tmp/other-lab/lab.env"));
    env.setProperty(LabAttachSettings.ENV_FILE, "/x/lab.env");
    assertThat(LabAttachSettings.envFile(env)).isEqualTo(Path.of("/x/lab.env"));
  }

  @Test
  void refusesNextToTheLabProfilesOwnServers() {
    MockEnvironment env = new MockEnvironment();
    env.setActiveProfiles("lab", "lab-attach");
    assertThatThrownBy(() -> new LabAttachSettings().attachedLab(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("switchman.lab.servers=false");
    env.setProperty("switchman.lab.servers", "false");
    env.setProperty(LabAttachSettings.ENV_FILE, "/nonexistent/lab.env");
    assertThatThrownBy(() -> new LabAttachSettings().attachedLab(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("There is no lab.env at /nonexistent/lab.env");
  }
}

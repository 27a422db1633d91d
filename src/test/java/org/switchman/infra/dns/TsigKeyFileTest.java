package org.switchman.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TsigKeyFileTest {

  @Test
  void readsTheKeyClauseTsigKeygenWrites() {
    TsigKeyFile key =
        TsigKeyFile.parse(
            "key \"switchman-lab\" {\n\talgorithm hmac-sha256;\n" + "\tsecret \"c2VjcmV0\";\n};\n",
            "lab.key");
    assertThat(key.name()).isEqualTo("switchman-lab");
    assertThat(key.algorithm()).isEqualTo("hmac-sha256");
    assertThat(key.secret()).isEqualTo("c2VjcmV0");
    assertThat(key.toString()).doesNotContain("c2VjcmV0");
  }

  @Test
  void somethingElseIsNamed() {
    assertThatThrownBy(() -> TsigKeyFile.parse("secret=abc", "/etc/x.key"))
        .hasMessageContaining("/etc/x.key is not a BIND key clause");
  }
}

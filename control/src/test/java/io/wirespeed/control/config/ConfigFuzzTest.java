package io.wirespeed.control.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The configuration file ({@code wirespeed.yaml}) from arbitrary bytes: the loader either returns a
 * configuration or throws a {@link ConfigException} that names the problem. Anything else (a YAML
 * library exception that escaped, a NumberFormatException, a stack overflow on deep nesting) is
 * a daemon that fails to start without telling the operator why. Seeds: the lab's configuration,
 * the test configuration that uses every section and one with ipsets, global and per-service lists
 * and limits, in ConfigFuzzTestInputs/configFiles.
 */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void configFiles(byte[] file) {
        if (file == null) return;
        String yaml = new String(file, StandardCharsets.UTF_8);
        try {
            assertNotNull(ConfigLoader.parse(yaml, "fuzz.yaml"));
        } catch (ConfigException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank(), "a config error says what is wrong");
        }
    }
}

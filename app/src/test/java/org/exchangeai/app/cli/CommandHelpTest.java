package org.exchangeai.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every subcommand, also the exchange's own, answers {@code --help} and {@code -h} with its usage. */
class CommandHelpTest {

    @Test
    void everySubcommandAnswersHelp() {
        List<String[]> commands = List.of(new String[] {"serve"}, new String[] {"inspect"}, new String[] {"predict"},
                new String[] {"evaluate"}, new String[] {"models"}, new String[] {"finetune"}, new String[] {"compare"}, new String[] {"convert"},
                new String[] {"analyse"}, new String[] {"exchange"}, new String[] {"exchange", "list"},
                new String[] {"exchange", "pull"}, new String[] {"exchange", "push"},
                new String[] {"exchange", "quarantine"});
        PrintStream out = System.out;
        try {
            for (String[] c : commands) {
                for (String flag : new String[] {"--help", "-h"}) {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                    String[] args = java.util.Arrays.copyOf(c, c.length + 1);
                    args[c.length] = flag;
                    int status = Main.run(args);
                    String text = buf.toString(StandardCharsets.UTF_8);
                    assertEquals(0, status, String.join(" ", args) + " -> " + text);
                    assertTrue(text.contains("Usage: exchangeai " + String.join(" ", c)), String.join(" ", args)
                            + " printed: " + text);
                }
            }
        } finally {
            System.setOut(out);
        }
    }
}

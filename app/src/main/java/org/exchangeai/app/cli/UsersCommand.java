package org.exchangeai.app.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.exchangeai.app.security.PasswordHash;
import org.exchangeai.app.store.Accounts;
import org.exchangeai.app.store.Workspace;
import org.exchangeai.app.web.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code users add | list | passwd | unlock | remove}: the accounts of server mode. */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Accounts for server mode (serve on a non-loopback address); passwords are stored as Argon2id hashes.",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Passwd.class,
                UsersCommand.Unlock.class, UsersCommand.Remove.class})
public final class UsersCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options every users command shares. */
    static class WorkspaceOption {
        @Option(names = "--workspace", paramLabel = "DIR", description = "Workspace folder (default: ~/.exchangeai).")
        Path workspace;

        Workspace open() throws Exception {
            return Workspace.open(workspace != null ? workspace : WebServer.defaultWorkspace());
        }
    }

    /** Options of the commands that set a password. */
    static class PasswordOption extends WorkspaceOption {
        @Option(names = "--password-stdin",
                description = "Read the password from the first line of standard input instead of asking (for scripts).")
        boolean stdin;

        char[] password() throws Exception {
            if (stdin) {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new IllegalArgumentException("no password on standard input");
                }
                return line.toCharArray();
            }
            Console c = System.console();
            if (c == null) {
                throw new IllegalArgumentException("no terminal to ask for the password; use --password-stdin");
            }
            char[] a = c.readPassword("Password (at least %d characters): ", PasswordHash.MIN_LENGTH);
            char[] b = c.readPassword("Same password again: ");
            if (a == null || b == null || !Arrays.equals(a, b)) {
                throw new IllegalArgumentException("the two passwords differ");
            }
            Arrays.fill(b, '\0');
            return a;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an account (researcher unless --admin); asks for its password.")
    static final class Add extends PasswordOption implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Account name: letters, digits, '.', '_' or '-'.")
        String name;

        @Option(names = "--admin", description = "An administrator: manages accounts, exchanges and built-in models, sees all data.")
        boolean admin;

        @Override
        public Integer call() throws Exception {
            return run(() -> {
                try (Workspace ws = open()) {
                    char[] pw = password();
                    String hash = PasswordHash.hash(pw);
                    Arrays.fill(pw, '\0');
                    new Accounts(ws).add(name, admin ? Accounts.Role.ADMIN : Accounts.Role.RESEARCHER, hash);
                    System.out.println("Added " + (admin ? "administrator " : "researcher ") + name + " to " + ws.dir());
                }
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts, their roles and locks.")
    static final class ListUsers extends WorkspaceOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return run(() -> {
                try (Workspace ws = open()) {
                    java.util.List<Accounts.Account> all = new Accounts(ws).list();
                    if (all.isEmpty()) {
                        System.out.println("No accounts in " + ws.dir() + " (add one with: exchangeai users add NAME --admin)");
                    }
                    java.time.Instant now = java.time.Instant.now();
                    for (Accounts.Account a : all) {
                        System.out.printf("%-24s %-10s since %s%s%n", a.name(), a.role().label(), a.created(),
                                a.locked(now) ? "  locked until " + a.lockedUntil() : "");
                    }
                }
            });
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a new password for an account (also unlocks it).")
    static final class Passwd extends PasswordOption implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            return run(() -> {
                try (Workspace ws = open()) {
                    Accounts accounts = new Accounts(ws);
                    if (accounts.get(name).isEmpty()) {
                        throw new IllegalArgumentException("there is no account named '" + name + "'");
                    }
                    char[] pw = password();
                    accounts.setPassword(name, PasswordHash.hash(pw));
                    Arrays.fill(pw, '\0');
                    System.out.println("New password set for " + name);
                }
            });
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true, description = "Unlock an account locked after failed sign-ins.")
    static final class Unlock extends WorkspaceOption implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            return run(() -> {
                try (Workspace ws = open()) {
                    new Accounts(ws).unlock(name);
                    System.out.println("Unlocked " + name);
                }
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an account (its datasets stay, visible to administrators).")
    static final class Remove extends WorkspaceOption implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            return run(() -> {
                try (Workspace ws = open()) {
                    new Accounts(ws).remove(name);
                    System.out.println("Removed " + name + " (a running server ends its sessions at their next timeout)");
                }
            });
        }
    }

    interface Work {
        void run() throws Exception;
    }

    static int run(Work w) {
        try {
            w.run();
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("exchangeai users: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("exchangeai users: " + e.getMessage());
            return 1;
        }
    }
}

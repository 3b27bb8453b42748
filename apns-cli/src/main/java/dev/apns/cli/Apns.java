package dev.apns.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code apns} command: parses the arguments with picocli and runs one of the subcommands
 * ({@code push}, {@code feedback}, {@code build}, {@code cert}, {@code mock}, {@code demo}, {@code gateway}). Problems are
 * reported as one line on standard error and an exit code from {@link ExitCodes}; {@code --verbose} adds the
 * stack trace and raises the SDK's log level from WARN to DEBUG.
 *
 * <p>{@link #commandLine(Io)} builds a fresh, independent command line for the given streams, which is how
 * tests run commands in process. One command line runs one command at a time.
 */
@Command(name = "apns",
        mixinStandardHelpOptions = true,
        versionProvider = Apns.Version.class,
        description = {"A command line for the Apple Push Notification service: push to devices over HTTP/2 (Apple's "
                + "provider API, token or certificate authentication) or the old binary protocol, read the binary "
                + "feedback service, encode binary notifications, inspect certificates, run a mock APNs server "
                + "for tests, and run the push gateway (a REST daemon with a durable queue).", ""},
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {PushCommand.class, FeedbackCommand.class, BuildCommand.class, CertCommand.class,
                MockCommand.class, DemoCommand.class, dev.apns.gateway.GatewayCommand.class},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {"Run 'apns COMMAND --help' for a command's options. Start with 'apns demo': no Apple account needed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:Success: every notification accepted, the certificate usable, the demo behaved.",
                "1:Some tokens were rejected (push); the certificate is unusable (cert); the demo misbehaved.",
                "2:Some notifications were not sent or the feedback was not read: a connection or certificate failure, "
                        + "or an interrupted push.",
                "3:Bad input: a flag, an unreadable or malformed file, a malformed token, a wrong password, an unknown "
                        + "backend.",
                "4:Internal error (run with --verbose for the stack trace)."})
public final class Apns implements Callable<Integer> {
    private final Io io;

    @Mixin
    Verbosity verbosity;

    Apns(Io io) {
        this.io = Objects.requireNonNull(io, "io");
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        Io io = Io.system();
        int code = commandLine(io).execute(args);
        io.out().flush();
        io.err().flush();
        System.exit(code);
    }

    /**
     * A command line whose commands read and write the given streams. {@link CommandLine#execute} returns the
     * exit code and never throws.
     */
    public static CommandLine commandLine(Io io) {
        CommandLine commandLine = new CommandLine(new Apns(io), new Factory(io));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(new PrintWriter(io.out(), true));
        commandLine.setErr(new PrintWriter(io.err(), true));
        commandLine.setExitCodeExceptionMapper(exception -> ExitCodes.INTERNAL);
        commandLine.setParameterExceptionHandler(new BadArguments(io));
        commandLine.setExecutionExceptionHandler(new Failures(io));
        commandLine.setExecutionStrategy(parseResult -> {
            Logging.configure(isVerbose(parseResult));
            return new RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /** The streams of this run. */
    Io io() {
        return io;
    }

    /** Without a command: one line saying what to do. */
    @Override
    public Integer call() {
        throw CliException.badInput("a command is needed: push, feedback, build, cert, mock, demo or gateway;"
                + " see 'apns --help'.");
    }

    /** True when {@code -v}/{@code --verbose} was given to the top command or the subcommand. */
    static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Gives every command the run's {@link Io}. */
    private static final class Factory implements IFactory {
        private final Io io;
        private final IFactory defaults = CommandLine.defaultFactory();

        Factory(Io io) {
            this.io = io;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (Subcommand.class.isAssignableFrom(type)) {
                K command = defaults.create(type);
                ((Subcommand) command).io = io;
                return command;
            }
            return defaults.create(type);
        }
    }

    /** Invalid arguments: one line naming the flag, and where to find help. */
    private static final class BadArguments implements IParameterExceptionHandler {
        private final Io io;

        BadArguments(Io io) {
            this.io = io;
        }

        @Override
        public int handleParseException(ParameterException exception, String[] args) {
            CommandLine commandLine = exception.getCommandLine();
            String message = oneLine(exception.getMessage());
            if (message.startsWith("Error: ")) {
                message = message.substring("Error: ".length());
            }
            if (!message.endsWith(".")) {
                message += ".";
            }
            if (exception instanceof CommandLine.MaxValuesExceededException
                    && message.contains("expected only one match")) {
                // An option of a help section (an argument group) was given twice; say which, as picocli does
                // for the options outside groups.
                String repeated = repeatedOption(commandLine.getCommandSpec(), args);
                if (repeated != null) {
                    message = "option '" + repeated + "' should be specified only once.";
                }
            }
            String suggestion = "";
            if (exception instanceof CommandLine.UnmatchedArgumentException unmatched
                    && !unmatched.getSuggestions().isEmpty()) {
                suggestion = " Did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
            }
            io.err().println("apns: " + message + suggestion + " See '" + commandLine.getCommandSpec().qualifiedName()
                    + " --help'.");
            io.err().flush();
            return ExitCodes.BAD_INPUT;
        }
    }

    /** The first single-valued option of {@code spec} that appears more than once in {@code args}, or null. */
    static String repeatedOption(CommandSpec spec, String[] args) {
        Map<OptionSpec, Integer> seen = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                continue;
            }
            int equals = arg.indexOf('=');
            OptionSpec option = spec.findOption(equals > 0 ? arg.substring(0, equals) : arg);
            if (option != null && !option.isMultiValue() && seen.merge(option, 1, Integer::sum) == 2) {
                return option.longestName();
            }
        }
        return null;
    }

    /** A failure while a command runs: one line, the stack trace only with --verbose. */
    private static final class Failures implements IExecutionExceptionHandler {
        private final Io io;

        Failures(Io io) {
            this.io = io;
        }

        @Override
        public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
            boolean verbose = isVerbose(parseResult);
            io.out().flush();
            int code;
            if (exception instanceof CliException problem) {
                io.err().println("apns: " + oneLine(problem.getMessage()));
                code = problem.exitCode();
                if (verbose && problem.getCause() != null) {
                    problem.getCause().printStackTrace(io.err());
                }
            } else {
                io.err().println("apns: internal error: " + oneLine(String.valueOf(exception))
                        + (verbose ? "" : " (run with --verbose for the stack trace)"));
                if (verbose) {
                    exception.printStackTrace(io.err());
                }
                code = ExitCodes.INTERNAL;
            }
            io.err().flush();
            return code;
        }
    }

    /** Keeps a report on one line: messages from libraries may hold line breaks. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** {@code apns --version}: the version this jar was built as. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Apns.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"apns " + properties.getProperty("version", "(unknown version)"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}

using System.CommandLine;
using DecisionLedger.Cli.Commands;

namespace DecisionLedger.Cli;

/// <summary>Builds the command tree, runs one command line and turns every failure into an exit code.</summary>
internal static class CliApplication
{
    // Commands whose recorder must drain and sign a final checkpoint when stopped.
    private static readonly HashSet<string> DrainingCommands = new(StringComparer.Ordinal) { "record", "sequence" };

    /// <summary>Runs <paramref name="args"/> and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The command line without the program name.</param>
    /// <param name="environment">Where output goes and input comes from.</param>
    /// <param name="cancellationToken">Stops the command.</param>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var context = new CommandContext(environment, GlobalOptions.CreateLedger(), GlobalOptions.CreateJson());
        RootCommand root = BuildRoot(context);
        try
        {
            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors)
                {
                    await environment.Error.WriteLineAsync(error.Message);
                }

                await environment.Error.WriteLineAsync("Run 'dledger --help' for usage.");
                return ExitCodes.BadInput;
            }

            string command = parsed.CommandResult.Command.Name;
            bool drains = !OperatingSystem.IsWindows() && DrainingCommands.Contains(command);
            var invocation = new InvocationConfiguration
            {
                Output = environment.Out,
                Error = environment.Error,
                EnableDefaultExceptionHandler = false,

                // The collector's web host handles Ctrl-C/SIGTERM itself and drains the recorder; the
                // draining commands handle them with GracefulStop. System.CommandLine's handler would
                // end the process after its timeout, mid-drain, before the final checkpoint.
                ProcessTerminationTimeout = drains || string.Equals(command, ServeCommand.Name, StringComparison.Ordinal)
                    ? null
                    : new InvocationConfiguration().ProcessTerminationTimeout,
            };
            using GracefulStop? stop = drains ? GracefulStop.Register(cancellationToken) : null;
            return await parsed.InvokeAsync(invocation, stop?.Token ?? cancellationToken);
        }
        catch (Exception exception)
        {
            (int code, string message) = ErrorMapper.Map(exception, context.CurrentLedgerPath);
            await environment.Error.WriteLineAsync($"dledger: {message}");
            return code;
        }
        finally
        {
            await environment.Out.FlushAsync(CancellationToken.None);
            await environment.Error.FlushAsync(CancellationToken.None);
        }
    }

    private static RootCommand BuildRoot(CommandContext context)
    {
        var root = new RootCommand("dledger: a tamper-evident audit trail for ML model decisions.");
        root.Options.Add(context.LedgerOption);
        root.Options.Add(context.JsonOption);
        root.Subcommands.Add(WithStore(new DemoCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new InitCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new RecordCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new ShowCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new QueryCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new CheckpointCommand(context).Build(), context));
        root.Subcommands.Add(new KeyCommand(context).Build());
        root.Subcommands.Add(new Witness.WitnessCommand(context).Build());
        root.Subcommands.Add(new RedactCommand(context).Build());
        root.Subcommands.Add(WithStore(new ProofCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new VerifyCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new ExportCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new EraseCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new ArchiveCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new RetentionCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new SubjectReportCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new ServeCommand(context).Build(), context));

        // The sequencer declares its own --store/--connection/--schema (with --migrate beside them).
        root.Subcommands.Add(new SequenceCommand(context).Build());
        root.Subcommands.Add(new KeysCommand(context).Build());
        root.Subcommands.Add(new AccessLogCommand(context).Build());
        root.Subcommands.Add(WithStore(new ReportCommand(context).Build(), context));

        // migrate only speaks to PostgreSQL: --store would be a choice with one answer.
        Command migrate = new MigrateCommand(context).Build();
        migrate.Options.Add(context.ConnectionOption);
        migrate.Options.Add(context.SchemaOption);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(WithStore(new IndexCommand(context).Build(), context));

        // backup and restore copy the SQLite file; with --store postgres they point to pg_dump instead.
        root.Subcommands.Add(WithStore(new BackupCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new RestoreCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new Import.ImportCommand(context).Build(), context));
        root.Subcommands.Add(WithStore(new ReplayCommand(context).Build(), context));
        return root;
    }

    /// <summary>
    /// Adds <c>--store</c>, <c>--connection</c> and <c>--schema</c> to a command that opens the ledger's
    /// store (and, being recursive, to its subcommands). Commands that never open a store do not list
    /// them, so their help shows nothing they would silently ignore.
    /// </summary>
    private static Command WithStore(Command command, CommandContext context)
    {
        command.Options.Add(context.StoreOption);
        command.Options.Add(context.ConnectionOption);
        command.Options.Add(context.SchemaOption);
        return command;
    }
}

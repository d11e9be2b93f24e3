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
        root.Options.Add(context.StoreOption);
        root.Options.Add(context.ConnectionOption);
        root.Options.Add(context.SchemaOption);
        root.Subcommands.Add(new DemoCommand(context).Build());
        root.Subcommands.Add(new InitCommand(context).Build());
        root.Subcommands.Add(new RecordCommand(context).Build());
        root.Subcommands.Add(new ShowCommand(context).Build());
        root.Subcommands.Add(new QueryCommand(context).Build());
        root.Subcommands.Add(new CheckpointCommand(context).Build());
        root.Subcommands.Add(new KeyCommand(context).Build());
        root.Subcommands.Add(new RedactCommand(context).Build());
        root.Subcommands.Add(new ProofCommand(context).Build());
        root.Subcommands.Add(new VerifyCommand(context).Build());
        root.Subcommands.Add(new ExportCommand(context).Build());
        root.Subcommands.Add(new EraseCommand(context).Build());
        root.Subcommands.Add(new SubjectReportCommand(context).Build());
        root.Subcommands.Add(new ServeCommand(context).Build());
        root.Subcommands.Add(new SequenceCommand(context).Build());
        root.Subcommands.Add(new KeysCommand(context).Build());
        root.Subcommands.Add(new AccessLogCommand(context).Build());
        root.Subcommands.Add(new ReportCommand(context).Build());
        root.Subcommands.Add(new MigrateCommand(context).Build());
        root.Subcommands.Add(new IndexCommand(context).Build());
        root.Subcommands.Add(new BackupCommand(context).Build());
        root.Subcommands.Add(new RestoreCommand(context).Build());
        return root;
    }
}

using DecisionLedger.Cli;

return await CliApplication.RunAsync(args, CliEnvironment.FromConsole());

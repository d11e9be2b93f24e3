using BenchmarkDotNet.Running;
using DecisionLedger.Benchmarks;

if (args is ["--builder-cpu", ..])
{
    BuilderCpu.Run(rounds: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10, perRound: 20_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

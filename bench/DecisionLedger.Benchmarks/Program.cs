using BenchmarkDotNet.Running;
using DecisionLedger.Benchmarks;

if (args is ["--builder-cpu", ..])
{
    BuilderCpu.Run(rounds: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10, perRound: 20_000);
    return;
}

if (args is ["--hash-cpu", ..])
{
    int Count(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    HashCpu.Run(hashes: Count(1, 1_000_000), rounds: Count(2, 5));
    return;
}

if (args is ["--heads-cpu", ..])
{
    int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    HeadsCpu.Run(decisions: Arg(1, 1_200_000), distinct: Arg(2, 1_000_000), headsEvery: Arg(3, 8_000), nativeSha: args.Length <= 4 || args[4] != "managed");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

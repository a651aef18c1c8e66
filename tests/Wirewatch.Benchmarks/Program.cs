using BenchmarkDotNet.Running;

namespace Wirewatch.Benchmarks;

/// <summary>
/// Kernel benchmarks (BenchmarkDotNet): <c>dotnet run -c Release --project tests/Wirewatch.Benchmarks -- --filter '*'</c>.
/// Each benchmark class holds Wirewatch's stage and its raw baseline side by side, so ratios come from one run.
/// </summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

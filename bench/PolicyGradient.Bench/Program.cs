using BenchmarkDotNet.Running;

// Micro-benchmarks; pick with a filter, e.g.
//   dotnet run -c Release --project bench/PolicyGradient.Bench -- --filter '*EnvStep*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type (for BenchmarkSwitcher).</summary>
public partial class Program;

using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/InferenceLatency -- --filter '*'   (docs/deploy.md)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type (for BenchmarkSwitcher).</summary>
public partial class Program;

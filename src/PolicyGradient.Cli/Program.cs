using PolicyGradient.Cli;
using PolicyGradient.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

// Pin MKL's kernel choice before libtorch loads, so that the same seed gives the same weights and a
// resumed run ends exactly where an uninterrupted one does (see docs/reliability.md).
PolicyGradient.Algorithms.ReproducibleBlas.Enable();

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("pg");
    config.Settings.StrictParsing = true;
    config.AddCommand<EnvsCommand>("envs").WithDescription("List the registered environments.");
    config.AddBranch("env", env =>
    {
        env.SetDescription("Work with one environment.");
        env.AddCommand<EnvRolloutCommand>("rollout").WithDescription("Reset with a seed, apply given actions, print each step.");
        env.AddCommand<EnvCheckCommand>("check").WithDescription("Check an environment against the env contract.");
    });
    config.AddCommand<BaselineCommand>("baseline").WithDescription("Tune and print an env's heuristic baseline policies (e.g. best base-stock).");
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Measure performance.");
        bench.AddCommand<BenchEnvsCommand>("envs").WithDescription("Environment steps per second.");
    });
    config.AddCommand<TrainCommand>("train").WithDescription("Train an algorithm on an environment into a run folder.");
    config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a trained run or checkpoint.");
    config.AddCommand<ResumeCommand>("resume").WithDescription("Continue a run from its last complete checkpoint.");
    config.AddCommand<PlotCommand>("plot").WithDescription("Plot learning curves of one or more runs into a PNG.");
    config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
});
return CliErrors.Run(() => app.Run(args));

using PolicyGradient.Cli;
using PolicyGradient.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("pg");
    config.Settings.StrictParsing = true;
    config.AddCommand<EnvsCommand>("envs").WithDescription("List the registered environments.");
    config.AddBranch("env", env =>
    {
        env.SetDescription("Inspect one environment.");
        env.AddCommand<EnvRolloutCommand>("rollout").WithDescription("Reset with a seed, apply given actions, print each step.");
    });
    config.AddCommand<BaselineCommand>("baseline").WithDescription("Tune and print an env's heuristic baseline policies (e.g. best base-stock).");
    config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
});
return CliErrors.Run(() => app.Run(args));

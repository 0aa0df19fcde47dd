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
    config.AddCommand<TrainCommand>("train").WithDescription("Train an algorithm on an environment into a run folder.");
    config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a trained run or checkpoint.");
    config.AddCommand<ResumeCommand>("resume").WithDescription("Continue a run from its last complete checkpoint.");
    config.AddCommand<PlotCommand>("plot").WithDescription("Plot learning curves of one or more runs into a PNG.");
    config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
});
return CliErrors.Run(() => app.Run(args));

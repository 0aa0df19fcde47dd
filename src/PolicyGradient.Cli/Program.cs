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
        env.SetDescription("Work with one environment.");
        env.AddCommand<EnvCheckCommand>("check").WithDescription("Check an environment against the env contract.");
    });
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Measure performance.");
        bench.AddCommand<BenchEnvsCommand>("envs").WithDescription("Environment steps per second.");
    });
    config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
});
return CliErrors.Run(() => app.Run(args));

using PolicyGradient.Cli;
using PolicyGradient.Cli.Commands;
using Spectre.Console.Cli;

namespace PolicyGradient.Tests.Cli.Commands;

public class BaselineCommandTests
{
    static int Run(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.Settings.StrictParsing = true;
            config.AddCommand<BaselineCommand>("baseline");
            config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
        });
        return CliErrors.Run(() => app.Run(args));
    }

    [Theory]
    [InlineData("InventoryLostSale-v0")]                // unknown id (closest ids printed)
    [InlineData("CartPole-v1")]                         // no baseline for this env
    public void Bad_env_ids_exit_2(string id) => Assert.Equal(ExitCodes.BadInput, Run("baseline", id, "--episodes", "1"));

    [Fact]
    public void Bad_options_and_kwargs_exit_2()
    {
        Assert.Equal(ExitCodes.BadInput, Run("baseline", "InventoryLostSales-v0", "--episodes", "0"));
        Assert.Equal(ExitCodes.BadInput, Run("baseline", "InventoryLostSales-v0", "--episodes", "1", "--kwarg", "lead_time=0"));
        Assert.Equal(ExitCodes.BadInput, Run("baseline", "InventoryLostSales-v0", "--episodes", "1", "--kwarg", "nokey"));
    }

    [Fact]
    public void A_small_instance_succeeds() =>
        Assert.Equal(ExitCodes.Success, Run("baseline", "InventoryLostSales-v0", "--episodes", "2", "--kwarg", "horizon=20", "--kwarg", "lead_time=1", "--json"));
}

using PolicyGradient.Diagnostics;

namespace PolicyGradient.Tests.Diagnostics;

/// <summary>Estimator names: the accepted forms, and a clear error for the rest.</summary>
public class GradientEstimatorSpecTests
{
    [Fact]
    public void Names_parse_to_their_kinds_and_gae_carries_its_lambda()
    {
        var specs = GradientEstimatorSpec.ParseList("mc, MC-mean,mc-value,optimal,gae:0.95,gae:1");
        Assert.Equal(new[] { "mc", "mc-mean", "mc-value", "optimal", "gae:0.95", "gae:1" }, specs.Select(s => s.Name));
        Assert.Equal(GradientEstimatorKind.GeneralizedAdvantage, specs[4].Kind);
        Assert.Equal(0.95, specs[4].Lambda);
        Assert.Equal(GradientEstimatorKind.OptimalBaseline, specs[3].Kind);
    }

    [Fact]
    public void Duplicates_are_dropped()
    {
        Assert.Single(GradientEstimatorSpec.ParseList("gae:0.9,gae:0.90"));
    }

    [Theory]
    [InlineData("mc-baseline", "unknown estimator 'mc-baseline' (accepted: mc, mc-mean")]
    [InlineData("gae:1.5", "λ must lie in [0, 1]")]
    [InlineData("gae:x", "unknown estimator 'gae:x'")]
    [InlineData(" , ", "the estimator list is empty")]
    public void Bad_names_are_refused_naming_the_accepted_forms(string list, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => GradientEstimatorSpec.ParseList(list));
        Assert.Contains(message, e.Message);
    }
}

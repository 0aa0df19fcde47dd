using PolicyGradient.Estimators;
using TorchSharp;

namespace PolicyGradient.Tests.Estimators;

public class AdvantageEstimatorRegistryTests
{
    [Fact]
    public void Entries_carry_what_the_trainer_must_provide()
    {
        var r = AdvantageEstimatorRegistry.CreateDefault();
        var needsCritic = r.Entries.Where(e => e.NeedsCritic).Select(e => e.Name);
        var needsGreedy = r.Entries.Where(e => e.NeedsGreedyBaseline).Select(e => e.Name);
        var tokenLevel = r.Entries.Where(e => e.ReadsTokenRewards).Select(e => e.Name);
        Assert.Equal(["gae"], needsCritic);
        Assert.Equal(["remax"], needsGreedy);
        Assert.Equal(["gae", "reinforce_plus_plus", "reinforce_plus_plus_baseline", "remax"], tokenLevel);
        Assert.All(r.Entries, e => Assert.True((e.Estimator is null) != (e.CriticEstimator is null), e.Name));
    }

    [Theory]
    [InlineData("Dr.GRPO", "drgrpo")]
    [InlineData("reinforce++", "reinforce_plus_plus")]
    [InlineData("ReinforcePP", "reinforce_plus_plus")]
    [InlineData("GAE", "gae")]
    public void Names_and_aliases_compare_loosely(string given, string canonical) =>
        Assert.Equal(canonical, AdvantageEstimatorRegistry.CreateDefault().Find(given).Name);

    [Fact]
    public void An_unknown_name_names_the_closest_estimator_and_a_critic_estimator_is_not_an_outcome_one()
    {
        var r = AdvantageEstimatorRegistry.CreateDefault();
        var ex = Assert.Throws<ArgumentException>(() => r.Find("rlooo"));
        Assert.Contains("unknown advantage estimator 'rlooo'; did you mean 'rloo'?", ex.Message);
        Assert.Contains("Registered: bnpo, drgrpo, gae, gpg", ex.Message);
        Assert.Contains("needs a critic", Assert.Throws<ArgumentException>(() => r.Get("gae")).Message);
    }

    [Fact]
    public void An_entry_must_set_exactly_one_estimator()
    {
        var r = AdvantageEstimatorRegistry.CreateDefault();
        Assert.Throws<ArgumentException>(() => r.Register(new AdvantageEstimatorEntry { Name = "nothing" }));
        Assert.Throws<ArgumentException>(() => r.Register(new AdvantageEstimatorEntry
        {
            Name = "both", Estimator = i => i.ResponseMask, CriticEstimator = (i, v, _, _) => (v, v),
        }));
        Assert.False(r.Contains("nothing") || r.Contains("both"));
    }

    [Fact]
    public void A_registered_entry_with_aliases_replaces_the_old_one_under_its_name()
    {
        using var scope = torch.NewDisposeScope();
        var r = AdvantageEstimatorRegistry.CreateDefault();
        r.Register(new AdvantageEstimatorEntry { Name = "mine", Aliases = ["my-alias"], Estimator = i => torch.zeros_like(i.ResponseMask), ReadsTokenRewards = true });
        Assert.Same(r.Find("mine"), r.Find("MY_ALIAS"));
        Assert.True(r.Find("my alias").ReadsTokenRewards);
        r.Register("mine", i => torch.ones_like(i.ResponseMask));
        Assert.False(r.Find("mine").ReadsTokenRewards);
        Assert.False(r.Contains("my-alias"));
        Assert.Equal(12, r.Names.Count);
    }
}

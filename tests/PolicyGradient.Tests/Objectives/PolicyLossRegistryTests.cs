using PolicyGradient.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Objectives;

public class PolicyLossRegistryTests
{
    static PolicyLossInput Input()
    {
        var lp = torch.tensor(new float[] { -0.5f, -1.0f, -0.2f, -0.7f }).reshape(2, 2);
        var old = torch.tensor(new float[] { -0.6f, -0.9f, -0.2f, -0.9f }).reshape(2, 2);
        var adv = torch.tensor(new float[] { 1f, 1f, -1f, -1f }).reshape(2, 2);
        return new PolicyLossInput(lp, old, adv, torch.ones(2, 2), 0.2, 0.28) { DualClip = 3.0, LogRatioClamp = 20 };
    }

    [Fact]
    public void Every_built_in_loss_is_registered_by_name_with_its_needs()
    {
        var r = PolicyLossRegistry.CreateDefault();
        Assert.Equal(["cispo", "clip_cov", "gmpo", "gspo", "gvpo", "kl_cov", "ppo_clip", "reinforce", "sapo"], r.Names);
        Assert.True(r.Find("gmpo").PerSequence);
        Assert.True(r.Find("gmpo").SequenceLevelRatio && r.Find("gspo").SequenceLevelRatio);
        Assert.True(r.Find("clip_cov").NeedsGenerator);
        Assert.False(r.Find("clip_cov").ZeroAdvantageRowsInert);
        Assert.False(r.Find("kl_cov").ZeroAdvantageRowsInert);
        Assert.True(r.Find("ppo_clip").ZeroAdvantageRowsInert && r.Find("ppo_clip").ReportsPpoClipSides);
        Assert.False(r.Find("reinforce").NeedsOldLogProbs);
        Assert.Equal(["gmpo", "gvpo"], r.Entries.Where(e => e.PerSequence).Select(e => e.Name));
        Assert.Equal(["gvpo"], r.Entries.Where(e => e.NeedsWholeGroups).Select(e => e.Name));
    }

    [Theory]
    [InlineData("ppoclip")]      // what configurations wrote when the loss was an enum
    [InlineData("PpoClip")]
    [InlineData("ppo-clip")]
    [InlineData("vanilla")]      // verl's name
    public void Old_and_loose_spellings_select_ppo_clip(string name) =>
        Assert.Equal("ppo_clip", PolicyLossRegistry.CreateDefault().Find(name).Name);

    [Fact]
    public void Built_ins_compute_what_their_objectives_compute()
    {
        using var scope = torch.NewDisposeScope();
        var r = PolicyLossRegistry.CreateDefault();
        var i = Input();
        var ppo = ClippedSurrogateObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, 0.2, 0.28, 3.0, 20).Loss;
        Assert.True(ppo.equal(r.Find("ppo_clip").Compute(i).Loss).all().item<bool>());
        var gmpo = GeometricMeanObjective.Compute(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask, 0.2, 0.28).Loss;
        Assert.True(gmpo.equal(r.Find("gmpo").Compute(i).Loss).all().item<bool>());
        Assert.Equal([2L], r.Find("gmpo").Compute(i).Loss.shape);
        var klCov = CovarianceClipObjective.KlCov(i.LogProbs, i.OldLogProbs, i.Advantages, i.Mask).Loss;
        Assert.True(klCov.equal(r.Find("kl-cov").Compute(i).Loss).all().item<bool>());
        var reinforce = PolicyGradientLoss.Compute(i.LogProbs, i.Advantages);
        Assert.True(reinforce.equal(r.Find("reinforce").Compute(i).Loss).all().item<bool>());
    }

    [Fact]
    public void An_unknown_name_names_the_closest_loss_and_lists_all()
    {
        var ex = Assert.Throws<ArgumentException>(() => PolicyLossRegistry.CreateDefault().Find("gmpoo"));
        Assert.Contains("unknown policy loss 'gmpoo'; did you mean 'gmpo'?", ex.Message);
        Assert.Contains("clip_cov, gmpo, gspo, gvpo, kl_cov, ppo_clip, reinforce", ex.Message);
    }

    [Fact]
    public void Users_register_their_own_loss_and_may_replace_a_built_in()
    {
        using var scope = torch.NewDisposeScope();
        var r = PolicyLossRegistry.CreateDefault();
        r.Register("double_pg", i =>
        {
            var pg = -(i.Advantages * i.LogProbs);
            return (pg + pg, torch.zeros_like(i.LogProbs, dtype: ScalarType.Bool));
        });
        Assert.Contains("double_pg", r.Names);
        var i = Input();
        Assert.Equal(-2 * (1f * -0.5f), r.Find("Double-PG").Compute(i).Loss[0, 0].item<float>(), 6);
        Assert.False(r.Find("double_pg").ZeroAdvantageRowsInert);   // conservative default: no row skipping
        r.Register(new PolicyLossEntry { Name = "gmpo", Compute = r.Find("reinforce").Compute });
        Assert.False(r.Find("gmpo").PerSequence);
        Assert.Throws<ArgumentException>(() => r.Find("geo_mean"));   // the replaced entry's alias went with it
    }
}

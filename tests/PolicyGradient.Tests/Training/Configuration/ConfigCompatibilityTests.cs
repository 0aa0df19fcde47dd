using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Tests.Training.Configuration;

/// <summary>Adding an option must not strand runs made before it: their checkpoints' hashes stay accepted.</summary>
public sealed class ConfigCompatibilityTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "old-runs", name);

    [Fact]
    public void AnA2cRunMadeBeforeTheBackendOptionStillFitsItsCheckpoint()
    {
        // config.yaml of an A2C run made before `backend` existed for A2C, and the hash its checkpoint recorded.
        const string recorded = "ac2fd37d0d6d24aa82948e446f962fe5678a1a861c0628820f3767d157cf9a04";
        var config = ConfigResolver.FromRunConfig(Fixture("a2c-before-backend-option.config.yaml"));
        Assert.NotEqual(recorded, config.Hash);                       // today's hash includes backend: auto
        Assert.Contains(recorded, config.CompatibleHashes);           // the hash without the later option at its default
        var identity = new CheckpointIdentity("a2c", "CartPole-v1", "Box(4)", "Discrete(2)", config.Hash) { AcceptedConfigHashes = config.CompatibleHashes };
        Assert.True(identity.AcceptsConfigHash(recorded));
        Assert.False(identity.AcceptsConfigHash(new string('0', 64)));
    }

    [Fact]
    public void AnOptionAddedLaterCountsOnceItLeavesItsDefault()
    {
        var config = ConfigResolver.FromRunConfig(Fixture("a2c-before-backend-option.config.yaml"), ["backend=libtorch"]);
        // A non-default value changes the trained state: no alternative drops backend. (The one alternative
        // left drops use_action_masks, added later still and at its default, for runs made between the two.)
        Assert.Equal(2, config.CompatibleHashes.Count);
        var withoutMasksOption = ConfigResolver.FromRunConfig(Fixture("a2c-before-backend-option.config.yaml"), ["backend=libtorch", "use_action_masks=false"]);
        Assert.Single(withoutMasksOption.CompatibleHashes);            // both later options away from their defaults: no alternative at all
        Assert.DoesNotContain("ac2fd37d0d6d24aa82948e446f962fe5678a1a861c0628820f3767d157cf9a04", config.CompatibleHashes);
    }
}

using FsCheck.Xunit;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Tests.Training;

/// <summary>
/// Random configurations — real and misspelt keys, values of every kind — are either accepted and
/// then satisfy every declared range and rule, or rejected with one "key: problem" line per issue.
/// </summary>
public class ConfigFuzzTests
{
    static readonly string[] Keys =
    [
        "n_steps", "batch_size", "n_envs", "gamma", "gae_lambda", "learning_rate", "clip_range", "ent_coef", "target_kl",
        "normalize_observations", "comment", "policy.net_arch", "policy.activation", "policy.ortho_init",
        "n_step", "gama", "policy.net", "learning-rate", "n_timesteps", "seed", "env_kwargs.lead_time",
    ];

    static readonly string[] Values =
    [
        "0", "1", "-1", "2", "16", "64", "512", "1e5", "0.5", "1.5", "-0.1", "lin_0.001", "lin_-1", "abc", "true", "no",
        "[64, 64]", "[0]", "[]", "[a]", "{x: 1}", "relu", "null", "3.5", "99999999999", "\"quoted\"",
    ];

    [Property(MaxTest = 300)]
    public void Random_configs_are_valid_or_rejected_with_one_line_per_problem(int[] picks)
    {
        var flags = new List<string>();
        for (int i = 0; i + 1 < (picks?.Length ?? 0) && flags.Count < 6; i += 2)
            flags.Add($"{Keys[(picks![i] & int.MaxValue) % Keys.Length]}={Values[(picks[i + 1] & int.MaxValue) % Values.Length]}");
        object[] bound;
        var problems = new List<string>();
        try
        {
            var layer = ConfigLayer.FromSetFlags(flags);
            bound = ConfigBinder.BindMany([typeof(RunOptions), typeof(FakeOptions)], ConfigBinder.Merge([layer]), problems);
        }
        catch (ConfigurationException e) { problems.AddRange(e.Problems); bound = []; }
        if (problems.Count > 0)
        {
            foreach (string p in problems)
            {
                Assert.DoesNotContain('\n', p);
                Assert.Matches(@"^[a-z_.\-]+(: | \()", p.StartsWith("--set ", StringComparison.Ordinal) ? p[6..] : p);
            }
            return;
        }
        var o = (FakeOptions)bound[1];
        Assert.InRange(o.Gamma, 0, 1);
        Assert.InRange(o.GaeLambda, 0, 1);
        Assert.True(o.LearningRate.Initial > 0);
        Assert.True(o.NSteps >= 1 && o.NEnvs >= 1);
        Assert.True(o.BatchSize <= o.NSteps * o.NEnvs);
        Assert.All(o.Policy.NetArch, n => Assert.InRange(n, 1, 4096));
        Assert.True(((RunOptions)bound[0]).NTimesteps >= 1);
    }
}

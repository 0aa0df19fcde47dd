using System.Text.Json;
using PolicyGradient.Environments;
using PolicyGradient.Environments.ClassicControl;

namespace PolicyGradient.Tests.EnvTests.ClassicControl;

/// <summary>
/// Replays the 1,694 transitions recorded from Gymnasium 1.0.0 (Fixtures/gymnasium-classic-control-transitions.jsonl):
/// from each recorded float64 state, one step must give the recorded float32 observation bit for bit,
/// the recorded reward exactly and the recorded terminated flag.
/// </summary>
public sealed class GymnasiumFixtureTests
{
    public sealed record Record(string Env, double[] State, float[] Action, float[] NextObs, double Reward, bool Terminated, int Line);

    static readonly Lazy<IReadOnlyList<Record>> Records = new(Load);

    static IReadOnlyList<Record> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "gymnasium-classic-control-transitions.jsonl");
        var list = new List<Record>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (!root.TryGetProperty("env", out var env)) continue; // metadata line
            var action = root.GetProperty("action");
            float[] a = action.ValueKind == JsonValueKind.Array
                ? action.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray()
                : [(float)action.GetInt32()];
            list.Add(new Record(
                env.GetString()!,
                root.GetProperty("state").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                a,
                // The recorded observation is the float32 value printed as a double: parse as double, then narrow (exact).
                root.GetProperty("next_obs").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
                root.GetProperty("reward").GetDouble(),
                root.GetProperty("terminated").GetBoolean(),
                line));
        }
        return list;
    }

    internal static Env Create(string id, double[] state) => id switch
    {
        "CartPole-v1" => new CartPole { State = state },
        "Acrobot-v1" => new Acrobot { State = state },
        "MountainCar-v0" => new MountainCar { State = state },
        "MountainCarContinuous-v0" => new MountainCarContinuous { State = state },
        "Pendulum-v1" => new Pendulum { State = state },
        _ => throw new ArgumentException($"unexpected env {id} in the fixture"),
    };

    [Fact]
    public void FixtureHasTheDocumentedSize()
    {
        Assert.Equal(1694, Records.Value.Count);
        Assert.Equal(5, Records.Value.Select(r => r.Env).Distinct().Count());
    }

    [Theory]
    [InlineData("CartPole-v1", 302)]
    [InlineData("Acrobot-v1", 348)]
    [InlineData("MountainCar-v0", 348)]
    [InlineData("MountainCarContinuous-v0", 348)]
    [InlineData("Pendulum-v1", 348)]
    public void EveryTransitionMatchesGymnasiumBitForBit(string id, int expectedCount)
    {
        var records = Records.Value.Where(r => r.Env == id).ToList();
        Assert.Equal(expectedCount, records.Count);
        var failures = new List<string>();
        foreach (var r in records)
        {
            using var env = Create(id, r.State);
            var obs = new float[env.ObservationSpace.FlatSize];
            var result = env.Step(r.Action, obs);
            for (int i = 0; i < obs.Length; i++)
                if (BitConverter.SingleToInt32Bits(obs[i]) != BitConverter.SingleToInt32Bits(r.NextObs[i]))
                    failures.Add($"line {r.Line}: obs[{i}] = {obs[i]:R}, Gymnasium {r.NextObs[i]:R}");
            if (result.Reward != r.Reward) failures.Add($"line {r.Line}: reward {result.Reward:R}, Gymnasium {r.Reward:R}");
            if (result.Terminated != r.Terminated) failures.Add($"line {r.Line}: terminated {result.Terminated}, Gymnasium {r.Terminated}");
            Assert.False(result.Truncated);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(20)));
    }
}

using FsCheck.Xunit;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.Reliability;

/// <summary>
/// <see cref="TimeLimit"/> against Gymnasium's <c>TimeLimit.step</c> (gymnasium/wrappers/common.py):
/// the inner env's flags pass through, the elapsed count grows by one per Step (also after the
/// episode ended, if the caller keeps stepping), and truncated is forced to true whenever
/// elapsed ≥ max_episode_steps — whatever terminated is, so both flags may be set on one step.
/// </summary>
public sealed class TimeLimitPropertyTests
{
    /// <summary>An env that terminates at step <c>terminateAt</c> and truncates itself at step <c>truncateAt</c> (0: never), and otherwise ignores being stepped past its end.</summary>
    sealed class ScriptedEnv(int terminateAt, int truncateAt) : Env
    {
        int _t;
        public override Space ObservationSpace { get; } = new Box(0, float.PositiveInfinity, 1);
        public override Space ActionSpace { get; } = new Discrete(1);
        protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation) { _t = 0; observation[0] = 0; return null; }
        protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
        {
            _t++;
            observation[0] = _t;
            return new StepResult(1, _t == terminateAt, _t == truncateAt);
        }
        protected override void SaveCore(BinaryWriter writer) => writer.Write(_t);
        protected override void LoadCore(BinaryReader reader) => _t = reader.ReadInt32();
    }

    [Property(MaxTest = 100)]
    public void FlagsMatchGymnasiumTimeLimit(byte limitDraw, byte terminateDraw, byte truncateDraw, byte stepsDraw)
    {
        int limit = 1 + limitDraw % 20, terminateAt = terminateDraw % 25, truncateAt = truncateDraw % 25, steps = 1 + stepsDraw % 40;
        using var env = new TimeLimit(new ScriptedEnv(terminateAt, truncateAt), limit);
        var obs = new float[1];
        env.Reset(obs, seed: 0);
        for (int t = 1; t <= steps; t++)
        {
            var r = env.Step([0f], obs);
            Assert.Equal(t == terminateAt, r.Terminated);
            Assert.Equal(t == truncateAt || t >= limit, r.Truncated);
            Assert.Equal(t, env.ElapsedSteps);
        }
    }
}

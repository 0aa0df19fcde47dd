using PolicyGradient.Environments;
using PolicyGradient.Environments.Checking;
using PolicyGradient.Environments.ClassicControl;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Tests.EnvTests.Core;

/// <summary>The Dict space, its flattening for the MLP policies, the Dict and partially observable envs of issue 15.</summary>
public class DictSpaceTests
{
    static Dict Sample() => new(("position", new Box(0f, 1f, 2)), ("goal", new Discrete(3)), ("flags", new MultiDiscrete(2, 3)));

    [Fact]
    public void Keys_keep_their_order_and_offsets_follow_the_flat_sizes()
    {
        var d = Sample();
        Assert.Equal(["position", "goal", "flags"], d.Keys);
        Assert.Equal(5, d.FlatSize);
        Assert.Equal(0, d.Offset("position"));
        Assert.Equal(2, d.Offset("goal"));
        Assert.Equal(3, d.Offset("flags"));
        Assert.IsType<Discrete>(d["goal"]);
        var e = Assert.Throws<KeyNotFoundException>(() => d["speed"]);
        Assert.Contains("position, goal, flags", e.Message);
        Assert.StartsWith("Dict('position': Box(", d.ToString());
        Assert.Contains("'goal': Discrete(3)", d.ToString());
    }

    [Fact]
    public void Samples_are_contained_and_each_key_is_checked()
    {
        var d = Sample();
        var rng = new Rng(4);
        for (int i = 0; i < 200; i++) Assert.True(d.Contains(d.Sample(rng)));
        Assert.False(d.Contains([0.5f, 0.5f, 3f, 0f, 0f]));   // goal out of range
        Assert.False(d.Contains([1.5f, 0.5f, 1f, 0f, 0f]));   // position out of the box
        Assert.False(d.Contains([0.5f, 0.5f, 1f, 0f]));       // wrong length
        Assert.True(d.Contains([0.5f, 0.5f, 2f, 1f, 2f]));
    }

    [Fact]
    public void Duplicate_keys_and_nested_dicts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new Dict(("a", new Discrete(2)), ("a", new Discrete(3))));
        Assert.Throws<ArgumentException>(() => new Dict(("a", new Dict(("b", new Discrete(2))))));
        Assert.Throws<ArgumentException>(() => new Dict());
    }

    [Fact]
    public void Flattening_copies_box_keys_and_one_hot_encodes_discrete_keys()
    {
        var encoded = new float[2 + 3 + 5];
        FlattenDictObservation.Encode(Sample(), [0.25f, 0.75f, 2f, 1f, 0f], encoded);
        Assert.Equal([0.25f, 0.75f, 0f, 0f, 1f, 0f, 1f, 1f, 0f, 0f], encoded);
    }

    [Fact]
    public void The_goal_env_passes_the_checker_and_its_flattened_form_is_a_box_of_position_and_one_hot_goal()
    {
        using var env = Envs.Make("GoalGridWorld-v0");
        Assert.IsType<Dict>(env.ObservationSpace);
        Assert.DoesNotContain(EnvChecker.Check(env, 2).Findings, f => f.Severity == EnvCheckSeverity.Error);
        using var flat = new FlattenDictObservation(Envs.Make("GoalGridWorld-v0"));
        var box = Assert.IsType<Box>(flat.ObservationSpace);
        Assert.Equal(2 + 25, box.FlatSize);
        var obs = new float[27];
        flat.Reset(obs, seed: 3);
        Assert.Equal(1f, obs[2..].Sum());
        Assert.DoesNotContain(EnvChecker.Check(new FlattenDictObservation(Envs.Make("GoalGridWorld-v0")), 2).Findings, f => f.Severity == EnvCheckSeverity.Error);
    }

    [Fact]
    public void The_checker_names_the_dict_key_an_observation_leaves()
    {
        using var env = new BadDictEnv();
        var finding = Assert.Single(EnvChecker.Check(env, 1).Findings, f => f.Check == "observation space");
        Assert.Contains("key 'goal'", finding.Message);
    }

    [Fact]
    public void Vector_envs_batch_dict_observations_in_one_flat_buffer_per_copy_row()
    {
        using var vec = new SyncVectorEnv(_ => Envs.Make("GoalGridWorld-v0"), 3);
        vec.Reset(5);
        var dict = (Dict)vec.SingleObservationSpace;
        Assert.Equal(3 * dict.FlatSize, vec.Observations.Length);
        for (int i = 0; i < 3; i++)
            Assert.True(dict.Contains(vec.Observations.AsSpan(i * dict.FlatSize, dict.FlatSize)));
    }

    [Fact]
    public void Per_key_buffers_split_the_batched_dict_observations_without_allocating()
    {
        using var vec = new SyncVectorEnv(_ => Envs.Make("GoalGridWorld-v0"), 4);
        var batch = new DictObservationBatch(vec);
        vec.Reset(2);
        batch.Refresh();
        var position = batch["position"];
        var goal = batch["goal"];
        Assert.Equal(8, position.Length);
        Assert.Equal(4, goal.Length);
        vec.Step([1f, 1f, 1f, 1f]);
        batch.Refresh();
        Assert.Same(position, batch["position"]); // the same preallocated buffers, refilled
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(vec.Observations[i * 3], position[i * 2]);
            Assert.Equal(vec.Observations[i * 3 + 1], position[i * 2 + 1]);
            Assert.Equal(vec.Observations[i * 3 + 2], goal[i]);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 100; t++) batch.Refresh();
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Throws<ArgumentException>(() => new DictObservationBatch(new SyncVectorEnv(_ => Envs.Make("CartPole-v1"), 1)));
    }

    [Fact]
    public void CartPoleNoVel_observes_position_and_angle_of_the_same_dynamics_as_CartPole()
    {
        using var full = Envs.Make("CartPole-v1");
        using var hidden = Envs.Make("CartPoleNoVel-v1");
        Assert.Equal(2, hidden.ObservationSpace.FlatSize);
        Assert.Equal(475, Envs.Spec("CartPoleNoVel-v1").RewardThreshold);
        float[] a = new float[4], b = new float[2];
        full.Reset(a, seed: 7); hidden.Reset(b, seed: 7);
        for (int t = 0; t < 40; t++)
        {
            Assert.Equal(a[0], b[0]); Assert.Equal(a[2], b[1]);
            float[] action = [t % 3 == 0 ? 1f : 0f];
            var ra = full.Step(action, a); var rb = hidden.Step(action, b);
            Assert.Equal(ra, rb);
            if (ra.Terminated || ra.Truncated) break;
        }
        Assert.DoesNotContain(EnvChecker.Check(Envs.Make("CartPoleNoVel-v1"), 1).Findings, f => f.Severity == EnvCheckSeverity.Error);
    }

    sealed class BadDictEnv : Env
    {
        readonly Dict _space = new(("x", new Box(0f, 1f, 1)), ("goal", new Discrete(2)));
        public override Space ObservationSpace => _space;
        public override Space ActionSpace { get; } = new Discrete(2);
        protected override IReadOnlyDictionary<string, object>? ResetCore(Span<float> observation) { observation[0] = 0.5f; observation[1] = 5f; return null; }
        protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation) { observation[0] = 0.5f; observation[1] = 5f; return new StepResult(0, true, false); }
        protected override void SaveCore(BinaryWriter writer) { }
        protected override void LoadCore(BinaryReader reader) { }
    }
}

using System.Buffers.Binary;
using PolicyGradient.Training.Plotting;

namespace PolicyGradient.Tests.Training.Plotting;

/// <summary>One plot for every kind of run: classic, task-reward and SFT progress files, each kind in its own panel.</summary>
public sealed class LearningCurvePlotTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("pg-plot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string Run(string name, params string[] lines)
    {
        string dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "progress.csv"), lines);
        return dir;
    }

    string Classic(string name) => Run(name,
        "timesteps,episode_return_mean,eval_return_mean",
        "100,10,", "200,20,25", "300,NaN,", "400,40,45");

    string Grpo(string name) => Run(name,
        "step,wall_seconds,reward_mean,accuracy,loss,value_loss,heldout_accuracy",
        "1,0.5,0.1,0.1,0.3,NaN,", "2,1.0,0.2,0.25,0.2,NaN,0.3", "3,1.5,0.4,0.4,0.1,NaN,");

    string Sft(string name) => Run(name,
        "step,wall_seconds,loss,learning_rate,heldout_accuracy",
        "1,0.1,4.0,0.001,", "2,0.2,3.0,0.001,0.1");

    static (int Width, int Height) PngSize(string file)
    {
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void EachKindOfRunIsRecognisedFromItsHeaderWithItsSeries()
    {
        var classic = RunCurves.Read(Classic("ppo"));
        Assert.Equal(RunCurveKind.EpisodeReturn, classic.Kind);
        Assert.Equal("timesteps", classic.XLabel);
        Assert.Equal(["episode_return_mean", "eval_return_mean"], classic.Series.Select(s => s.Column));
        Assert.Equal([100.0, 200, 400], classic.Series[0].X);          // the NaN row is skipped
        Assert.Equal([25.0, 45], classic.Series[1].Y);                  // evaluations only where logged

        var grpo = RunCurves.Read(Grpo("grpo"));
        Assert.Equal(RunCurveKind.TaskReward, grpo.Kind);              // reward_mean wins over loss
        Assert.Equal(["reward_mean", "accuracy", "heldout_accuracy"], grpo.Series.Select(s => s.Column));
        Assert.Equal([2.0], grpo.Series[2].X);

        var sft = RunCurves.Read(Sft("sft"));
        Assert.Equal(RunCurveKind.SupervisedLoss, sft.Kind);
        Assert.Equal(["loss", "heldout_accuracy"], sft.Series.Select(s => s.Column));
        Assert.True(sft.Series[1].RightAxis);
    }

    [Fact]
    public void AMixedSetOfRunsGetsOnePanelPerKind()
    {
        string one = Path.Combine(_root, "one.png"), mixed = Path.Combine(_root, "mixed.png"), two = Path.Combine(_root, "two.png");
        LearningCurvePlot.Save([("grpo", Grpo("grpo"))], one);
        Assert.Equal((900, 540), PngSize(one));
        LearningCurvePlot.Save([("a", Classic("a")), ("b", Classic("b"))], two);
        Assert.Equal((900, 540), PngSize(two));                        // same kind: overlaid in one panel
        LearningCurvePlot.Save([("sft", Sft("sft")), ("grpo", Grpo("g2")), ("ppo-1", Classic("c1")), ("ppo-2", Classic("c2"))], mixed);
        Assert.Equal((1800, 1080), PngSize(mixed));                    // three panels, two per row
    }

    [Fact]
    public void RunsWithNothingToPlotAndUnknownFilesAreRefusedByName()
    {
        string empty = Run("empty", "step,wall_seconds,reward_mean,heldout_accuracy");
        var nothing = Assert.Throws<ArgumentException>(() => LearningCurvePlot.Save([("empty", empty)], Path.Combine(_root, "x.png")));
        Assert.Contains("nothing to plot", nothing.Message);
        string odd = Run("odd", "epoch,score", "1,2");
        var unknown = Assert.Throws<InvalidDataException>(() => LearningCurvePlot.Save([("odd", odd)], Path.Combine(_root, "y.png")));
        Assert.Contains(Path.Combine(odd, "progress.csv"), unknown.Message);
    }
}

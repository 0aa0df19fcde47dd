using System.Text.Json;
using InferenceCartPole;
using Microsoft.ML.OnnxRuntime;
using PolicyGradient.Algorithms;
using PolicyGradient.Environments;
using PolicyGradient.Inference;
using PolicyGradient.Policies;
using PolicyGradient.Tests.Cli;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Deploy;

/// <summary>`pg export` on saved run folders: both formats, the same mean return as `pg eval --deterministic` with the same seeds, and clear refusals (exit 2).</summary>
[Collection("Console")]
public sealed class ExportCommandTests(DeployFixture fixture) : IClassFixture<DeployFixture>
{
    [Fact]
    public void ExportedFilesReturnWhatPgEvalDeterministicReturns()
    {
        var p = fixture.Policies["ppo-cartpole"];
        string dir = fixture.Scratch("cli");
        string pgpolicy = Path.Combine(dir, "policy.pgpolicy"), onnx = Path.Combine(dir, "policy.onnx");
        var a = PgInProcess.Run("export", p.RunDir, "--format", "pgpolicy", "--out", pgpolicy);
        Assert.True(a.Code == 0, a.Err);
        var b = PgInProcess.Run("export", p.RunDir, "--format", "onnx", "--out", onnx);
        Assert.True(b.Code == 0, b.Err);
        Assert.Equal(Path.GetFullPath(onnx), b.Out.Trim());

        var eval = PgInProcess.Run("eval", p.RunDir, "--deterministic", "--episodes", "3", "--seed", "77", "--json");
        Assert.True(eval.Code == 0, eval.Err);
        double evalMean = JsonDocument.Parse(eval.Out).RootElement.GetProperty("mean_return").GetDouble();

        double Mean(Core.IAlgorithm actor)
        {
            using var env = Envs.Make("CartPole-v1");
            return Evaluator.Evaluate(actor, env, 3, 77, deterministic: true).MeanReturn;
        }
        Assert.Equal(evalMean, Mean(DeployHelpers.Acting(PolicyFile.Load(pgpolicy))));
        using var session = new InferenceSession(onnx);
        Assert.Equal(evalMean, Mean(DeployHelpers.Acting(session, 4, discrete: true)));
    }

    [Fact]
    public void TheSampleConsolePlaysCartPoleWithAnExportedFile()
    {
        // The sample's own CartPole (it references PolicyGradient.Inference only) against the library's
        // CartPole-v1 under the same policy: a short-trained policy need not reach 500, but both games
        // must agree that episodes end (returns between 1 and 500) and the sample must run the file.
        var p = fixture.Policies["ppo-cartpole"];
        string file = Path.Combine(fixture.Scratch("sample"), "policy.pgpolicy");
        Assert.Equal(0, PgInProcess.Run("export", p.RunDir, "--format", "pgpolicy", "--out", file).Code);
        float[] returns = CartPoleGame.Play(PolicyFile.Load(file), episodes: 3, seed: 0);
        Assert.All(returns, r => Assert.InRange(r, 1f, CartPole.MaxSteps));
    }

    [Fact]
    public void TheSampleCartPoleFollowsTheLibrarysDynamics()
    {
        // Same start state, same actions: the sample's 30-line CartPole and CartPole-v1 agree step by step.
        using var env = Envs.Make("CartPole-v1");
        var obs = new float[4];
        env.Reset(obs, 5);
        var sample = new CartPole();
        sample.Reset(0);
        typeof(CartPole).GetField("_state", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.SetValue(sample, obs.Clone());
        for (int t = 0; t < 30; t++)
        {
            int action = t % 3 == 0 ? 0 : 1;
            var r = env.Step([action], obs);
            var (_, done) = sample.Step(action);
            for (int i = 0; i < 4; i++) Assert.Equal(obs[i], sample.Observation[i], 5);
            Assert.Equal(r.Terminated || r.Truncated, done);
            if (done) break;
        }
    }

    [Fact]
    public void MissingOrUnknownFormatAndOutAreRefused()
    {
        var p = fixture.Policies["ppo-cartpole"];
        var noFormat = PgInProcess.Run("export", p.RunDir, "--out", "x.onnx");
        Assert.Equal(2, noFormat.Code);
        Assert.Contains("--format is required", noFormat.Err);
        var badFormat = PgInProcess.Run("export", p.RunDir, "--format", "tflite", "--out", "x.tflite");
        Assert.Equal(2, badFormat.Code);
        Assert.Contains("--format tflite is not supported; use --format onnx or --format pgpolicy", badFormat.Err);
        var noOut = PgInProcess.Run("export", p.RunDir, "--format", "onnx");
        Assert.Equal(2, noOut.Code);
        Assert.Contains("--out is required", noOut.Err);
        var folder = PgInProcess.Run("export", p.RunDir, "--format", "onnx", "--out", fixture.Scratch("folder"));
        Assert.Equal(2, folder.Code);
        Assert.Contains("is a folder", folder.Err);
        var missing = PgInProcess.Run("export", Path.Combine(fixture.Scratch("missing"), "nothing"), "--format", "onnx", "--out", "x.onnx");
        Assert.Equal(2, missing.Code);
        Assert.Contains("neither a run folder", missing.Err);
    }

    [Fact]
    public void AnUnsupportedActivationIsRefusedByName()
    {
        using var ppo = new Ppo("CartPole-v1", new PpoOptions { NEnvs = 1, NSteps = 32, BatchSize = 32, NEpochs = 1, Policy = new PolicyNetworkOptions { Activation = Activation.GELU } }, seed: 1);
        ppo.Learn(32);
        string run = ppo.Save(Path.Combine(fixture.Scratch("gelu"), "run"));
        string output = Path.Combine(fixture.Scratch("gelu-out"), "p.onnx");
        var r = PgInProcess.Run("export", run, "--format", "onnx", "--out", output);
        Assert.Equal(2, r.Code);
        Assert.Contains("activation gelu is not supported by pg export (tanh and relu hidden layers only)", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ALanguageRunIsRefused()
    {
        string folder = fixture.Scratch("language");
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "model.safetensors"), "");
        var r = PgInProcess.Run("export", folder, "--format", "pgpolicy", "--out", Path.Combine(folder, "p.pgpolicy"));
        Assert.Equal(2, r.Code);
        Assert.Contains("language-model runs (transformer policies) cannot be exported", r.Err);
    }

    [Theory]
    [InlineData("multidiscrete", "MultiDiscrete")]
    [InlineData("multibinary", "MultiBinary")]
    public void MultiDiscreteAndMultiBinaryActionsAreRefusedByName(string kind, string space)
    {
        using var ppo = new Ppo(Algorithms.ToyEnv.Vector(Algorithms.ToyEnv.Make(kind), 1), new PpoOptions { NSteps = 16, BatchSize = 16, NEpochs = 1 }, seed: 1);
        var e = Assert.Throws<Export.PolicyExportException>(() => Export.PolicyExport.FromAlgorithm(ppo));
        Assert.Contains(space, e.Message);
        Assert.Contains("is not supported by pg export (Discrete and Box only", e.Message);
    }

    [Fact]
    public void AnAlgorithmOutsideTheLibraryIsRefusedByName()
    {
        var e = Assert.Throws<Export.PolicyExportException>(() => Export.PolicyExport.FromAlgorithm(new DeployHelpers.ActingAlgorithm("mine", o => o)));
        Assert.Contains("pg export supports the library's MLP algorithms", e.Message);
        Assert.Contains("ActingAlgorithm", e.Message);
    }
}

using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using PolicyGradient.Algorithms;
using PolicyGradient.Export;
using PolicyGradient.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceLatency;

/// <summary>
/// One CartPole observation through the same 64-64 tanh MLP policy (PPO's default actor, exported from a
/// freshly built PPO): PolicyGradient.Inference's Act; ONNX Runtime's Run on the exported model with
/// input and outputs bound once (OrtValues over preallocated arrays); a TorchSharp Sequential with the
/// same weights, forward and argmax under no_grad on a preallocated input tensor.
/// </summary>
[MemoryDiagnoser]
public class PolicyLatency
{
    readonly float[] _observation = [0.02f, -0.3f, 0.05f, 0.4f];
    readonly float[] _action = new float[1];
    InferencePolicy _inference = null!;
    InferenceSession _session = null!;
    RunOptions _runOptions = null!;
    OrtValue _input = null!, _actionOut = null!, _logitsOut = null!;
    readonly long[] _onnxAction = new long[1];
    readonly float[] _onnxLogits = new float[2];
    string[] _inputNames = null!, _outputNames = null!;
    OrtValue[] _inputs = null!, _outputs = null!;
    nn.Module<Tensor, Tensor> _torch = null!;
    Tensor _torchInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        ExportedPolicy exported;
        using (var ppo = new Ppo("CartPole-v1", new PpoOptions { NSteps = 64, BatchSize = 64 }, seed: 0)) exported = PolicyExport.FromAlgorithm(ppo);
        if (exported.Layers.Count != 3 || exported.Layers[0].Outputs != 64 || exported.Layers[1].Outputs != 64)
            throw new InvalidOperationException("expected PPO's default 64-64 actor");

        using var file = new MemoryStream();
        PgPolicyWriter.Write(exported, file);
        file.Position = 0;
        _inference = PolicyFile.Load(file);

        _session = new InferenceSession(OnnxPolicyWriter.Build(exported).ToByteArray(), new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        _runOptions = new RunOptions();
        _input = OrtValue.CreateTensorValueFromMemory(_observation, [1, 4]);
        _actionOut = OrtValue.CreateTensorValueFromMemory(_onnxAction, [1]);
        _logitsOut = OrtValue.CreateTensorValueFromMemory(_onnxLogits, [1, 2]);
        (_inputNames, _inputs) = (["observation"], [_input]);
        (_outputNames, _outputs) = (["action", "logits"], [_actionOut, _logitsOut]);

        _torch = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2));
        using (torch.no_grad())
        {
            var linears = _torch.modules().OfType<TorchSharp.Modules.Linear>().ToArray();
            for (int i = 0; i < 3; i++)
            {
                var l = exported.Layers[i];
                linears[i].weight!.copy_(torch.tensor(l.Weights, [l.Outputs, l.Inputs]));
                linears[i].bias!.copy_(torch.tensor(l.Bias, [l.Outputs]));
            }
        }
        _torchInput = torch.tensor(_observation, [1, 4]);
        if (Inference() != Onnx() || Onnx() != TorchSharp())
            throw new InvalidOperationException($"the three runtimes disagree: {Inference()} {Onnx()} {TorchSharp()}");
    }

    [Benchmark(Baseline = true, Description = "PolicyGradient.Inference Act")]
    public float Inference()
    {
        _inference.Act(_observation, _action);
        return _action[0];
    }

    [Benchmark(Description = "ONNX Runtime Run (bound OrtValues)")]
    public float Onnx()
    {
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        return _onnxAction[0];
    }

    [Benchmark(Description = "TorchSharp forward + argmax (no_grad)")]
    public float TorchSharp()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return _torch.forward(_torchInput).argmax(1).item<long>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var v in new[] { _input, _actionOut, _logitsOut }) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _torchInput.Dispose();
        _torch.Dispose();
    }
}

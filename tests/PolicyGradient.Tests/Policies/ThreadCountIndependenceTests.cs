using System.Runtime.InteropServices;
using PolicyGradient.Algorithms;
using PolicyGradient.Objectives;
using PolicyGradient.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Tests.Policies;

/// <summary>
/// The same seed gives the same weights whatever torch.set_num_threads the user chose (issue 9,
/// finding 11): the orthogonal init's QR and TRPO's inner products used to differ in their last bits
/// between 1 and 2 libtorch threads, and from there every trajectory of a run.
/// </summary>
public class ThreadCountIndependenceTests
{
    static float[] Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.detach().contiguous().bytes).ToArray();

    static float[] Parameters(nn.Module module) => module.parameters().SelectMany(Floats).ToArray();

    /// <summary>Runs <paramref name="work"/> with <paramref name="threads"/> libtorch threads, restoring the count afterwards.</summary>
    static T WithThreads<T>(int threads, Func<T> work)
    {
        int before = torch.get_num_threads();
        torch.set_num_threads(threads);
        try { return work(); }
        finally { torch.set_num_threads(before); }
    }

    static float[] OrthogonalWeight(int threads) => WithThreads(threads, () =>
    {
        using var _ = torch.no_grad();
        torch.random.manual_seed(5);
        var w = torch.empty(64, 64);
        Initialization.OrthogonalFill(w, 1.0);
        return Floats(w);
    });

    [Fact]
    public void Orthogonal_init_gives_the_same_bits_with_one_and_two_threads_and_restores_the_thread_count()
    {
        var one = OrthogonalWeight(1);
        var two = OrthogonalWeight(2);
        Assert.Equal(one, two);
        int after = WithThreads(2, () => { OrthogonalWeight(2); return torch.get_num_threads(); });
        Assert.Equal(2, after);

        // Still an orthogonal matrix: WᵀW = I.
        var w = torch.tensor(one, [64, 64]);
        var gram = Floats(w.t().matmul(w));
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
                Assert.Equal(i == j ? 1f : 0f, gram[i * 64 + j], 4);
    }

    [Fact]
    public void Dot_is_the_inner_product_and_gives_the_same_bits_with_one_and_two_threads()
    {
        Assert.Equal(32f, NaturalGradient.Dot(torch.tensor(new float[] { 1, 2, 3 }), torch.tensor(new float[] { 4, 5, 6 })).item<float>());
        // 9,220 entries: MKL's sdot splits a vector of this size across threads.
        float Dot(int threads) => WithThreads(threads, () =>
        {
            var generator = new torch.Generator(3);
            var a = torch.randn(9220, generator: generator);
            var b = torch.randn(9220, generator: generator);
            return NaturalGradient.Dot(a, b).item<float>();
        });
        Assert.Equal(BitConverter.SingleToInt32Bits(Dot(1)), BitConverter.SingleToInt32Bits(Dot(2)));
    }

    [Fact]
    public void Ppo_initialised_and_trained_with_one_or_two_threads_ends_with_identical_parameters()
    {
        (float[] Initial, float[] Trained) Run(int threads) => WithThreads(threads, () =>
        {
            using var ppo = new Ppo("CartPole-v1", new PpoOptions { NEnvs = 8, NSteps = 32, BatchSize = 256, NEpochs = 2 }, seed: 1);
            var initial = Parameters(ppo.Policy);
            ppo.Learn(512);
            return (initial, Parameters(ppo.Policy));
        });
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Initial, two.Initial);
        Assert.Equal(one.Trained, two.Trained);
        Assert.NotEqual(one.Initial, one.Trained);
    }

    [Fact]
    public void Trpo_trained_with_one_or_two_threads_ends_with_identical_parameters()
    {
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            using var trpo = new Trpo("CartPole-v1", new TrpoOptions { NEnvs = 2, NSteps = 128, NCriticUpdates = 1 }, seed: 1);
            trpo.Learn(256); // one update: conjugate gradient on the 9,155 parameters
            return Parameters(trpo.Policy);
        });
        Assert.Equal(Run(1), Run(2));
    }
}

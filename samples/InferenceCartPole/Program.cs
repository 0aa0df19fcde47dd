using InferenceCartPole;
using PolicyGradient.Inference;

// usage: InferenceCartPole <policy.pgpolicy> [episodes] — prints each return; exit 0 when every episode reaches 500.
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: InferenceCartPole <policy.pgpolicy> [episodes]");
    return 2;
}
InferencePolicy policy;
try { policy = PolicyFile.Load(args[0]); }
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"InferenceCartPole: {e.Message}");
    return 2;
}
int episodes = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
float[] returns = CartPoleGame.Play(policy, episodes, seed: 0);
Console.WriteLine($"returns {string.Join(" ", returns)}");
Console.WriteLine($"mean return {returns.Average()}");
return returns.All(r => r >= CartPole.MaxSteps) ? 0 : 1;

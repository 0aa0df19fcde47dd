namespace PolicyGradient.Tests.Build;

/// <summary>The pristine libLibTorchSharp.so of TorchSharp 0.107.0 in the NuGet package cache (never modified by the build).</summary>
internal static class PackagedLibTorchSharp
{
    public static string Find()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string dir = Path.Combine(root, "torchsharp");
        string? so = Directory.Exists(dir)
            ? Directory.GetFiles(dir, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault(p => p.Contains("0.107.0"))
            : null;
        Assert.True(so != null, $"TorchSharp 0.107.0's libLibTorchSharp.so not found under {dir}");
        return so!;
    }
}

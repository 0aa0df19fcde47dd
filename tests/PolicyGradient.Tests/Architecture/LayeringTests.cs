using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PolicyGradient.Tests.Architecture;

/// <summary>
/// The layering of docs/architecture.md §1, read from the sources: which namespaces each folder may use,
/// and the size rule that keeps every method readable on one screen.
/// </summary>
public sealed class LayeringTests
{
    const int MaxMethodLines = 80;

    // Folder of src/PolicyGradient → namespaces of the project it must not use (text of using directives
    // and qualified names).
    static readonly (string Folder, string[] Forbidden)[] Rules =
    [
        ("Core", ["PolicyGradient.Training", "PolicyGradient.Algorithms", "PolicyGradient.Policies", "PolicyGradient.Buffers"]),
        ("Estimators", ["PolicyGradient.Training", "PolicyGradient.Algorithms", "PolicyGradient.Policies", "PolicyGradient.Buffers", "PolicyGradient.Environments"]),
        ("Objectives", ["PolicyGradient.Training", "PolicyGradient.Algorithms", "PolicyGradient.Policies", "PolicyGradient.Buffers", "PolicyGradient.Environments"]),
        ("Optimizers", ["PolicyGradient.Training", "PolicyGradient.Algorithms", "PolicyGradient.Policies"]),
        ("Policies", ["PolicyGradient.Training", "PolicyGradient.Algorithms"]),
        ("Buffers", ["PolicyGradient.Training", "PolicyGradient.Algorithms"]),
        ("Algorithms", ["PolicyGradient.Training"]),
    ];

    static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PolicyGradient.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    static IEnumerable<string> Sources(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/") && !f.Contains("/obj/"))
            : [];

    [Fact]
    public void LowerLayersDoNotReachUpIntoTheRunLayerOrAlgorithms()
    {
        string core = Path.Combine(Root(), "src", "PolicyGradient");
        var violations = new List<string>();
        foreach (var (folder, forbidden) in Rules)
            foreach (string file in Sources(Path.Combine(core, folder)))
            {
                var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
                var names = root.DescendantNodes().OfType<UsingDirectiveSyntax>().Select(u => u.Name?.ToString() ?? "")
                    .Concat(root.DescendantNodes().OfType<QualifiedNameSyntax>().Select(q => q.ToString()));
                foreach (string name in names.Distinct())
                    if (forbidden.FirstOrDefault(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal)) is { } hit)
                        violations.Add($"{Path.GetRelativePath(Root(), file)}: uses {name} ({folder} sits below {hit})");
            }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void EnvironmentsDependOnNothingButDotNetAndTheCoreNeverOnLanguageOrCli()
    {
        string root = Root();
        string envs = File.ReadAllText(Path.Combine(root, "src", "PolicyGradient.Envs", "PolicyGradient.Envs.csproj"));
        Assert.DoesNotContain("PackageReference", envs);
        Assert.DoesNotContain("ProjectReference", envs);
        string core = File.ReadAllText(Path.Combine(root, "src", "PolicyGradient", "PolicyGradient.csproj"));
        Assert.DoesNotContain("PolicyGradient.Language.csproj", core);
        Assert.DoesNotContain("PolicyGradient.Cli.csproj", core);
        var reachingUp = Sources(Path.Combine(root, "src", "PolicyGradient"))
            .Where(f => File.ReadAllText(f) is var s && (s.Contains("using PolicyGradient.Language") || s.Contains("using PolicyGradient.Cli")))
            .ToList();
        Assert.Empty(reachingUp);
    }

    [Fact]
    public void OnlyTheDistributedAssemblyUsesOrleans()
    {
        string root = Root();
        foreach (string project in new[] { "PolicyGradient", "PolicyGradient.Envs", "PolicyGradient.Language" })
        {
            Assert.DoesNotContain("Orleans", File.ReadAllText(Path.Combine(root, "src", project, project + ".csproj")));
            var orleans = Sources(Path.Combine(root, "src", project)).Where(f => File.ReadAllText(f).Contains("using Orleans")).ToList();
            Assert.True(orleans.Count == 0, $"{project} uses Orleans in {string.Join(", ", orleans)}; grains and Orleans types live in src/PolicyGradient.Distributed");
        }
    }

    [Fact]
    public void NoMethodIsLongerThanEightyLines()
    {
        string root = Root();
        var tooLong = new List<string>();
        foreach (string project in new[] { "PolicyGradient", "PolicyGradient.Language", "PolicyGradient.Cli", "PolicyGradient.Envs", "PolicyGradient.Distributed" })
            foreach (string file in Sources(Path.Combine(root, "src", project)))
            {
                var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file);
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    SyntaxNode? body = node switch
                    {
                        BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                        AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                        LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                        _ => null,
                    };
                    if (body is null) continue;
                    var span = tree.GetLineSpan(node.Span);
                    int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                    if (lines > MaxMethodLines)
                        tooLong.Add($"{Path.GetRelativePath(root, file)}:{span.StartLinePosition.Line + 1}: {Name(node)} has {lines} lines");
                }
            }
        Assert.True(tooLong.Count == 0, $"methods over {MaxMethodLines} lines (split them into named steps):\n" + string.Join("\n", tooLong));
    }

    static string Name(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
        LocalFunctionStatementSyntax l => l.Identifier.Text + " (local function)",
        AccessorDeclarationSyntax a => a.Keyword.Text + " accessor",
        _ => node.Kind().ToString(),
    };
}

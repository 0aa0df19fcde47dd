using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PolicyGradient.Tests.Architecture;

/// <summary>
/// TorchSharp 0.107 turns a number into a native <c>Scalar</c> implicitly (<c>t.mul_(0.5)</c>,
/// <c>torch.clamp(t, min: 0.1)</c>) and its Tensor-number operators (<c>t * 0.5</c>, <c>1 - t</c>) build
/// one internally. Nobody disposes that temporary: its finalizer may free the native Scalar while
/// libtorch still reads it, which crashes a run at random ("Unknown scalar type", "Expected false to be
/// true ... toFloat"). This test compiles the library sources with Roslyn and lists every such
/// conversion or operator, so none comes back: numbers reach libtorch only through a Scalar whose
/// lifetime the code controls (<c>using var s = x.ToScalar()</c>, a static readonly field) or as tensors.
/// </summary>
public sealed class ImplicitScalarTests
{
    // Projects whose code runs training steps on libtorch. (PolicyGradient.Envs has no TorchSharp.)
    static readonly (string Folder, string AssemblyName)[] Projects =
    [
        ("src/PolicyGradient", "PolicyGradient"),
        ("src/PolicyGradient.Language", "PolicyGradient.Language"),
        ("src/PolicyGradient.Cli", "pg"),
    ];

    [Fact]
    public void LibrarySourcesCreateNoImplicitTorchSharpScalars()
    {
        var hits = new List<string>();
        foreach (var (folder, assembly) in Projects)
            hits.AddRange(ImplicitScalarFinder.Find(RepositoryRoot(), folder, assembly));
        Assert.True(hits.Count == 0,
            $"{hits.Count} implicit TorchSharp Scalar(s); use `using var s = x.ToScalar();`, a static readonly Scalar, or a tensor:\n" +
            string.Join("\n", hits));
    }

    [Fact]
    public void FinderReportsConversionsAndOperatorsAndAcceptsExplicitScalars()
    {
        const string source = """
            using TorchSharp;
            using static TorchSharp.torch;
            static class Sample
            {
                static readonly Scalar Half = 0.5.ToScalar();
                static Tensor A(Tensor t) => t.mul(0.5);              // implicit conversion
                static Tensor B(Tensor t) => t * 2.0;                 // Tensor-number operator
                static Tensor C(Tensor t) => 1 - t;                   // number-Tensor operator
                static Tensor D(Tensor t) => t.mul(Half);             // explicit, long-lived
                static Tensor E(Tensor t) { using var s = 3.0.ToScalar(); return t.mul(s); }
                static Tensor F(Tensor t, Tensor u) => t * u;         // tensors only
                static Tensor G(Tensor t, Tensor u) => t + u;         // alpha = 1 made inside TorchSharp
                static Tensor H(Tensor t, Tensor u) => t.add(u);      // same
                static Tensor I(Tensor t, Tensor u) => t.add(u, Half); // explicit alpha
                static Tensor J(Tensor t) => t.square();              // pow(2) inside TorchSharp
                static Tensor K(Tensor t) => t.lerp(t, 0.5);          // 0.5 becomes a temporary tensor
            }
            """;
        var hits = ImplicitScalarFinder.FindInSource(source);
        Assert.Equal(7, hits.Count);
        Assert.Contains(hits, h => h.Contains("t.square()"));
        Assert.Contains(hits, h => h.Contains("number → Tensor (0.5)") && h.Contains("t.lerp(t, 0.5)"));
        Assert.Contains(hits, h => h.Contains("t + u"));
        Assert.Contains(hits, h => h.Contains("t.add(u)") && !h.Contains("Half"));
        Assert.Contains(hits, h => h.Contains("number → Scalar (0.5)") && h.Contains("t.mul(0.5)"));
        Assert.Contains(hits, h => h.Contains("t * 2.0"));
        Assert.Contains(hits, h => h.Contains("1 - t"));
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PolicyGradient.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root (PolicyGradient.slnx) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Finds implicit number→Scalar conversions and Tensor-number operators with Roslyn's semantic model.</summary>
static class ImplicitScalarFinder
{
    static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    public static IReadOnlyList<string> Find(string root, string projectFolder, string assemblyName)
    {
        string dir = Path.Combine(root, projectFolder);
        var files = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToList();
        // Compile items linked from outside the project folder.
        string csproj = Directory.GetFiles(dir, "*.csproj").Single();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(csproj), "<Compile Include=\"([^\"]+)\""))
            files.Add(Path.GetFullPath(Path.Combine(dir, m.Groups[1].Value)));
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Options(csproj), f)).ToList();
        return Scan(trees, assemblyName, Path.GetFileNameWithoutExtension(csproj), root);
    }

    public static IReadOnlyList<string> FindInSource(string source) =>
        Scan([CSharpSyntaxTree.ParseText(source, Options(null), "Sample.cs")], "Sample", "Sample", "");

    static CSharpParseOptions Options(string? csproj)
    {
        var symbols = new List<string> { "RELEASE", "NET", "NET10_0" };
        if (csproj is not null)
        {
            var m = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(csproj), "<DefineConstants>\\$\\(DefineConstants\\);([^<]+)</DefineConstants>");
            if (m.Success) symbols.AddRange(m.Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries));
        }
        return new CSharpParseOptions(LanguageVersion.Preview, preprocessorSymbols: symbols);
    }

    static IReadOnlyList<string> Scan(List<SyntaxTree> trees, string assemblyName, string projectName, string root)
    {
        var usings = CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(u => $"global using global::{u};\n")), Options(null), "GlobalUsings.g.cs");
        var compilation = CSharpCompilation.Create(assemblyName, [.. trees, usings], References(projectName, assemblyName),
            new CSharpCompilationOptions(assemblyName == "pg" ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        // Source generators (GeneratedRegex, ...) do not run here: their partial methods stay unimplemented (CS8795).
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(5).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException($"the sources of {projectName} did not compile in the test (so nothing could be checked): " + string.Join("; ", errors));
        var hits = new List<string>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is ExpressionSyntax expression && IsImplicitScalarConversion(model, expression))
                    hits.Add(Describe(tree, (SyntaxNode?)node.FirstAncestorOrSelf<InvocationExpressionSyntax>() ?? node, root, $"implicit {ConversionTarget(model, expression)} ({node})"));
                else if (node is BinaryExpressionSyntax or AssignmentExpressionSyntax && IsTensorNumberOperator(model, node))
                    hits.Add(Describe(tree, node, root, "Tensor-number operator"));
                else if (node is BinaryExpressionSyntax or AssignmentExpressionSyntax && IsTensorAddOperator(model, node))
                    hits.Add(Describe(tree, node, root, "Tensor + Tensor (TorchSharp adds with a temporary alpha = 1)"));
                else if (node is InvocationExpressionSyntax call && FillsDefaultScalar(model, call))
                    hits.Add(Describe(tree, node, root, "call whose omitted Scalar argument TorchSharp fills with a temporary"));
            }
        }
        return hits;
    }

    static string ConversionTarget(SemanticModel model, ExpressionSyntax expression) =>
        model.GetConversion(expression).MethodSymbol?.ReturnType.Name == "Scalar" ? "number → Scalar" : "number → Tensor";

    static bool IsImplicitScalarConversion(SemanticModel model, ExpressionSyntax expression)
    {
        var conversion = model.GetConversion(expression);
        // number → Scalar, and number → Tensor (a temporary tensor whose finalizer may release it mid-call).
        return conversion.IsUserDefined && conversion.MethodSymbol is { Name: "op_Implicit" } m
            && (IsTorchSharpScalar(m.ReturnType) || m.ReturnType.ToDisplayString() == "TorchSharp.torch.Tensor");
    }

    static bool IsTensorNumberOperator(SemanticModel model, SyntaxNode node)
    {
        if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator } op) return false;
        if (op.ContainingType.ToDisplayString() != "TorchSharp.torch.Tensor") return false;
        return op.Parameters.Any(p => p.Type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double || IsTorchSharpScalar(p.Type));
    }

    // TorchSharp 0.107 implements a + b, a.add(b), a.add_(b) and a.addcdiv(b, c) (and torch.add(a, b), ...)
    // by calling the overload with one more Scalar argument set to the literal 1: a temporary Scalar.
    static bool IsTensorAddOperator(SemanticModel model, SyntaxNode node) =>
        model.GetSymbolInfo(node).Symbol is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator, Name: "op_Addition" } op
        && op.ContainingType.ToDisplayString() == "TorchSharp.torch.Tensor";

    static readonly Dictionary<string, int> ForwardingOverloads = new()
    {
        ["TorchSharp.torch.Tensor.add"] = 1, ["TorchSharp.torch.Tensor.add_"] = 1,
        ["TorchSharp.torch.Tensor.addcdiv"] = 2, ["TorchSharp.torch.Tensor.addcdiv_"] = 2,
        ["TorchSharp.torch.add"] = 2, ["TorchSharp.torch.add_"] = 2,
        ["TorchSharp.torch.Tensor.square"] = 0, ["TorchSharp.torch.square"] = 1,   // square() is pow(2)
        ["TorchSharp.torch.Tensor.celu"] = 0, ["TorchSharp.torch.Tensor.celu_"] = 0,
    };

    static bool FillsDefaultScalar(SemanticModel model, InvocationExpressionSyntax call) =>
        model.GetSymbolInfo(call).Symbol is IMethodSymbol m
        && ForwardingOverloads.TryGetValue($"{m.ContainingType.ToDisplayString()}.{m.Name}", out int parameters)
        && m.Parameters.Length == parameters;

    static bool IsTorchSharpScalar(ITypeSymbol type) => type.ToDisplayString() == "TorchSharp.Scalar";

    static string Describe(SyntaxTree tree, SyntaxNode node, string root, string kind)
    {
        var line = tree.GetLineSpan(node.Span).StartLinePosition.Line + 1;
        string path = root.Length > 0 ? Path.GetRelativePath(root, tree.FilePath) : tree.FilePath;
        string text = node.ToString().ReplaceLineEndings(" ");
        return $"{path}:{line}: {kind}: {(text.Length > 140 ? text[..140] + " ..." : text)}";
    }

    static IEnumerable<MetadataReference> References(string projectName, string assemblyName)
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => Path.GetFileNameWithoutExtension(f) is var n && n != assemblyName && n != "PolicyGradient.Tests" && n != projectName && IsManaged(f));
        return platform.Concat(local).DistinctBy(Path.GetFileName).Select(f => MetadataReference.CreateFromFile(f));
    }

    static bool IsManaged(string file)
    {
        try { AssemblyName.GetAssemblyName(file); return true; }
        catch (BadImageFormatException) { return false; }
    }
}
